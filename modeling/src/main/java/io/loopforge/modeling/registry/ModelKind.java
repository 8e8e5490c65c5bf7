package io.loopforge.modeling.registry;

/**
 * The kinds of model a {@code loopforge-model/1} file can hold, each with the file's {@code "type"}.
 * A {@code switch} over this enum without {@code default} (or a {@link Model.Visitor}) fails to compile
 * when a kind is added and not handled.
 */
public enum ModelKind {
  /** A SINDy model ({@code "type": "sindy"}). */
  SINDY("sindy", "SINDy model"),
  /** A ReLU network of the dynamics, layer by layer ({@code "type": "relu-network"}, {@code "layout": "mlp"}). */
  RELU_NETWORK("relu-network", "ReLU network"),
  /** A folded ReLU network ({@code "type": "relu-network"}, {@code "layout": "folded"}). */
  FOLDED_RELU_NETWORK("relu-network", "folded ReLU network"),
  /** An affine state-feedback policy ({@code "type": "policy"}, {@code "policy": "affine"}). */
  AFFINE_POLICY("policy", "affine policy"),
  /** A ReLU-network policy ({@code "type": "policy"}, {@code "policy": "relu-network"}). */
  NETWORK_POLICY("policy", "ReLU-network policy"),
  /** A model-predictive controller on a learned model, for the microcontroller ({@code "type": "mpc"}). */
  MPC_POLICY("mpc", "on-device MPC controller"),
  /** A sparse polynomial policy ({@code "type": "policy"}, {@code "policy": "polynomial"}). */
  POLYNOMIAL_POLICY("policy", "polynomial policy");

  private final String fileType;
  private final String description;

  ModelKind(String fileType, String description) {
    this.fileType = fileType;
    this.description = description;
  }

  /** The value of the file's {@code "type"} key. */
  public String fileType() {
    return fileType;
  }

  /** A few words for messages, e.g. {@code "folded ReLU network"}. */
  public String description() {
    return description;
  }

  /** The description with its indefinite article, e.g. {@code "an affine policy"}. */
  public String withArticle() {
    return ("aeiou".indexOf(Character.toLowerCase(description.charAt(0))) >= 0 ? "an " : "a ") + description;
  }

  /** Whether the kind is a model of the dynamics ({@code x⁺ = step(x, u)}). */
  public boolean isDynamics() {
    return this == SINDY || this == RELU_NETWORK || this == FOLDED_RELU_NETWORK;
  }

  /**
   * Whether the kind is a controller ({@code u = control(x, reference)}) that {@link Model#asController()}
   * evaluates. Not an on-device MPC: its solvers are {@code io.loopforge.mpc.GaussNewtonMpc} (double) and
   * the generated code (float32).
   */
  public boolean isController() {
    return this == AFFINE_POLICY || this == NETWORK_POLICY || this == POLYNOMIAL_POLICY;
  }
}
