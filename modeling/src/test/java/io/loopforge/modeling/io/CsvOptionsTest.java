package io.loopforge.modeling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.ModelingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvOptionsTest {
  @Test
  void defaults() {
    CsvOptions d = CsvOptions.defaults();
    assertEquals(Optional.empty(), d.inputColumns());
    assertEquals("trajectory", d.trajectoryColumn());
    assertEquals(d, CsvOptions.builder().build());
    assertEquals("CsvOptions[inputColumns=u…, trajectoryColumn=trajectory]", d.toString());
  }

  @Test
  void builderCopiesAndToBuilderStartsFromOptions() {
    List<String> inputs = new ArrayList<>(List.of("a", "b"));
    CsvOptions o = CsvOptions.builder().inputColumns(inputs).trajectoryColumn("run").build();
    inputs.add("c");
    assertEquals(Optional.of(List.of("a", "b")), o.inputColumns());
    assertEquals(o, o.toBuilder().build());
    assertEquals(o.hashCode(), o.toBuilder().build().hashCode());
    CsvOptions back = o.toBuilder().inputColumns(null).build();
    assertEquals(Optional.empty(), back.inputColumns());
    assertEquals("run", back.trajectoryColumn());
    assertNotEquals(o, back);
  }

  @Test
  void rejectsNamesThatClash() {
    assertEquals(
        "t is the time column and cannot be an input; remove it from the input columns",
        assertThrows(ModelingException.class, () -> CsvOptions.builder().inputColumns(List.of("t")).build())
            .getMessage());
    assertEquals(
        "run is the trajectory column and cannot be an input; remove it from the input columns",
        assertThrows(ModelingException.class,
            () -> CsvOptions.builder().trajectoryColumn("run").inputColumns(List.of("u", "run")).build())
            .getMessage());
    assertEquals(
        "input column u is listed twice in [u, v, u]",
        assertThrows(ModelingException.class, () -> CsvOptions.builder().inputColumns(List.of("u", "v", "u")).build())
            .getMessage());
    assertEquals(
        "an input column name is blank in [u,  ]",
        assertThrows(ModelingException.class, () -> CsvOptions.builder().inputColumns(List.of("u", " ")).build())
            .getMessage());
    assertEquals(
        "the trajectory column cannot be t, which is the time column; give another column name",
        assertThrows(ModelingException.class, () -> CsvOptions.builder().trajectoryColumn("t").build()).getMessage());
    assertEquals(
        "the trajectory column name is blank; give a column name such as trajectory",
        assertThrows(ModelingException.class, () -> CsvOptions.builder().trajectoryColumn("").build()).getMessage());
  }
}
