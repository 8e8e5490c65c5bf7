package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Variable;

class MpsWriterTest {
  /**
   * min 2a − b + 3z − 0.5n + 7 over a free, b ≤ −1, f = 2.5 fixed, z binary, n integer in [1, 4]:
   * every bound kind, every row kind and a constant.
   */
  static MilpInstance smallInstance() {
    ExpressionsBasedModel m = new ExpressionsBasedModel();
    Variable a = m.addVariable("a").weight(2);
    Variable b = m.addVariable("b").upper(-1).weight(-1);
    Variable f = m.addVariable("f").level(2.5);
    Variable z = m.addVariable("z").binary().weight(3);
    Variable n = m.addVariable("n").lower(1).upper(4).integer(true).weight(-0.5);
    Variable c = m.addVariable("c").lower(0.25);
    m.addExpression("ge").lower(-3).add(a, 1).add(b, 1);
    m.addExpression("le").upper(10).add(a, 1).add(z, -4.5).add(f, 1);
    m.addExpression("eq").level(1).add(n, 1).add(c, 1).add(z, -1);
    m.addExpression("range").lower(-2).upper(6).add(a, 1).add(n, 0.1);
    return MilpInstance.of(m, 7, "small");
  }

  @Test
  void everyRowAndBoundKindIsWrittenAsMpsSays() throws IOException {
    StringWriter w = new StringWriter();
    smallInstance().writeMps(w);
    String expected = String.join("\n",
        "NAME small FREE",
        "ROWS",
        " N obj",
        " E eq",
        " G ge",
        " L le",
        " G range",
        "COLUMNS",
        "    a obj 2",
        "    a ge 1",
        "    a le 1",
        "    a range 1",
        "    b obj -1",
        "    b ge 1",
        "    f le 1",
        " MARKER0 'MARKER' 'INTORG'",
        "    z obj 3",
        "    z eq -1",
        "    z le -4.5",
        "    n obj -0.5",
        "    n eq 1",
        "    n range 0.1",
        " MARKER1 'MARKER' 'INTEND'",
        "    c eq 1",
        "RHS",
        "    RHS obj -7",
        "    RHS eq 1",
        "    RHS ge -3",
        "    RHS le 10",
        "    RHS range -2",
        "RANGES",
        "    RNG range 8",
        "BOUNDS",
        " FR BND a",
        " MI BND b",
        " UP BND b -1",
        " FX BND f 2.5",
        " UP BND z 1",
        " LO BND n 1",
        " UP BND n 4",
        " LO BND c 0.25",
        "ENDATA",
        "");
    assertEquals(expected, w.toString());
  }

  @Test
  void namesMpsCannotHoldAreRefused() {
    ExpressionsBasedModel m = new ExpressionsBasedModel();
    m.addVariable("has space").weight(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MilpInstance.of(m, 0, "x").writeMps(new StringWriter()));
    assertTrue(e.getMessage().contains("'has space'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MilpInstance.of(m, 0, "two words"));
  }

  @Test
  void numbersRoundTrip() {
    assertEquals("0", MpsWriter.number(-0.0));
    assertEquals("-3", MpsWriter.number(-3));
    assertEquals("0.1", MpsWriter.number(0.1));
    assertEquals("1.0E-12", MpsWriter.number(1e-12));
    double x = 0.1 + 0.2;
    assertEquals(x, Double.parseDouble(MpsWriter.number(x)), 0.0);
  }
}
