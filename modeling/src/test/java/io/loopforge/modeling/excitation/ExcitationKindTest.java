package io.loopforge.modeling.excitation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.ModelingException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExcitationKindTest {
  @Test
  void cliNamesRoundTrip() {
    assertEquals(List.of("random-steps", "prbs", "chirp", "multisine"), ExcitationKind.cliNames());
    for (ExcitationKind k : ExcitationKind.values()) {
      assertEquals(k, ExcitationKind.fromCliName(k.cliName()));
    }
  }

  @Test
  void unknownNameListsKnownNames() {
    ModelingException e = assertThrows(ModelingException.class, () -> ExcitationKind.fromCliName("sine"));
    assertEquals("unknown excitation 'sine'; known excitations: random-steps, prbs, chirp, multisine", e.getMessage());
  }
}
