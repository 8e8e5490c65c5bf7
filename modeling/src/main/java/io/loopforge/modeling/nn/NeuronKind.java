package io.loopforge.modeling.nn;

/**
 * What a hidden neuron computes from its pre-activation {@code y}: {@link #RELU} {@code max(0, y)},
 * {@link #IDENTITY} {@code y}, {@link #ZERO} {@code 0} (the neuron is removed). Only ReLU neurons need a
 * binary variable in a mixed-integer encoding.
 */
public enum NeuronKind {
  RELU("relu"),
  IDENTITY("identity"),
  ZERO("zero");

  private final String fileName;

  NeuronKind(String fileName) {
    this.fileName = fileName;
  }

  /** The spelling in model files: {@code "relu"}, {@code "identity"}, {@code "zero"}. */
  public String fileName() {
    return fileName;
  }

  /** The kind spelled {@code name} in a model file, or null when there is none. */
  public static NeuronKind fromFileName(String name) {
    for (NeuronKind k : values()) {
      if (k.fileName.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
