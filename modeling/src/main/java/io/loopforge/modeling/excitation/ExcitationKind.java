package io.loopforge.modeling.excitation;

import io.loopforge.modeling.ModelingException;
import java.util.ArrayList;
import java.util.List;

/** The excitation signals of {@link Excitation}, with their command-line names. */
public enum ExcitationKind {
  /** Uniformly random levels held for a random number of samples. */
  RANDOM_STEPS("random-steps"),
  /** Maximum-length pseudo-random binary sequence switching between the bounds. */
  PRBS("prbs"),
  /** Sine with a linearly increasing frequency. */
  CHIRP("chirp"),
  /** Sum of cosines with Schroeder phases (low crest factor). */
  MULTISINE("multisine");

  private final String cliName;

  ExcitationKind(String cliName) {
    this.cliName = cliName;
  }

  /** The name used on the command line and in spec files, e.g. {@code "random-steps"}. */
  public String cliName() {
    return cliName;
  }

  /** Command-line names of all kinds, in declaration order. */
  public static List<String> cliNames() {
    List<String> names = new ArrayList<>();
    for (ExcitationKind k : values()) {
      names.add(k.cliName);
    }
    return List.copyOf(names);
  }

  /**
   * The kind with this command-line name.
   *
   * @throws ModelingException for an unknown name; the message lists the known names
   */
  public static ExcitationKind fromCliName(String name) {
    for (ExcitationKind k : values()) {
      if (k.cliName.equals(name)) {
        return k;
      }
    }
    throw new ModelingException(
        "unknown excitation '" + name + "'; known excitations: " + String.join(", ", cliNames()));
  }
}
