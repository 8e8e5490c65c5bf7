package io.loopforge.modeling.registry;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.policy.PolynomialPolicy;
import io.loopforge.modeling.policy.Policy;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model of any kind a model file can hold, typed: one record per {@link ModelKind}. Consumers that
 * treat the kinds differently implement {@link Visitor} (or switch over {@link #kind()}), so that a new
 * kind fails to compile wherever it is not handled. Immutable.
 *
 * <pre>
 * Model m = ModelFiles.read(path).model();
 * String what = m.accept(new Model.Visitor&lt;&gt;() { … });
 * DynamicsModel f = m.dynamics("simulate --model");   // or a clear error naming what it is instead
 * </pre>
 */
public sealed interface Model
    permits Model.Sindy, Model.Network, Model.FoldedNetwork, Model.AffineController, Model.NetworkController,
    Model.MpcController, Model.PolynomialController {

  /** One method per kind of model. */
  interface Visitor<R> {
    R sindy(SindyModel model);

    R network(ReluNetwork network);

    R foldedNetwork(FoldedReluNetwork network);

    R affinePolicy(AffinePolicy policy);

    R networkPolicy(NetworkPolicy policy);

    R mpcPolicy(MpcPolicy policy);

    R polynomialPolicy(PolynomialPolicy policy);
  }

  ModelKind kind();

  <R> R accept(Visitor<R> visitor);

  /** The model object itself (a SindyModel, ReluNetwork, FoldedReluNetwork, AffinePolicy, NetworkPolicy, PolynomialPolicy or MpcPolicy). */
  Object value();

  default List<String> stateNames() {
    return asDynamics().map(DynamicsModel::stateNames).orElseGet(() -> asController().orElseThrow().stateNames());
  }

  default List<String> inputNames() {
    return asDynamics().map(DynamicsModel::inputNames).orElseGet(() -> asController().orElseThrow().inputNames());
  }

  /** Sample interval, s. */
  default double dt() {
    return asDynamics().map(DynamicsModel::dt).orElseGet(() -> asController().orElseThrow().dt());
  }

  /**
   * The model as dynamics {@code x⁺ = step(x, u)}.
   *
   * @param purpose what needs it, for the message (e.g. {@code "simulate --model"})
   * @throws ModelingException when the model is a controller, saying what it is
   */
  default DynamicsModel dynamics(String purpose) {
    return asDynamics().orElseThrow(() -> new ModelingException(purpose + " needs a model of the dynamics (a sindy or relu-network model file),"
        + " but this is " + kind().withArticle() + " (\"type\": \"" + kind().fileType() + "\")"));
  }

  /**
   * The model as a controller {@code u = control(x, reference)}.
   *
   * @param purpose what needs it, for the message
   * @throws ModelingException when the model is a model of the dynamics, saying what it is
   */
  default Controller controller(String purpose) {
    return asController().orElseThrow(() -> new ModelingException(purpose + " needs a controller (a policy model"
        + " file, e.g. from 'design lqr'), but this is " + kind().withArticle() + " (\"type\": \""
        + kind().fileType() + "\")"));
  }

  /** The model as dynamics, when it is a model of the dynamics. */
  Optional<DynamicsModel> asDynamics();

  /** The model as a controller, when it is one. */
  Optional<Controller> asController();

  /**
   * The model as a folded ReLU network, what the mixed-integer encoders take: a folded network as it is, a
   * dense one folded (the same function), anything else empty.
   */
  default Optional<FoldedReluNetwork> asFoldedNetwork() {
    if (this instanceof FoldedNetwork f) {
      return Optional.of(f.network());
    }
    return this instanceof Network n ? Optional.of(FoldedReluNetwork.fold(n.network())) : Optional.empty();
  }

  static Model of(SindyModel model) {
    return new Sindy(model);
  }

  static Model of(ReluNetwork network) {
    return new Network(network);
  }

  static Model of(FoldedReluNetwork network) {
    return new FoldedNetwork(network);
  }

  static Model of(AffinePolicy policy) {
    return new AffineController(policy);
  }

  static Model of(NetworkPolicy policy) {
    return new NetworkController(policy);
  }

  static Model of(MpcPolicy policy) {
    return new MpcController(policy);
  }

  static Model of(PolynomialPolicy policy) {
    return new PolynomialController(policy);
  }

  /** A policy of any kind ({@link Policy} is sealed: affine, network or polynomial). */
  static Model of(Policy policy) {
    if (policy instanceof AffinePolicy) {
      return of((AffinePolicy) policy);
    }
    return policy instanceof NetworkPolicy ? of((NetworkPolicy) policy) : of((PolynomialPolicy) policy);
  }

  /** A SINDy model. */
  record Sindy(SindyModel model) implements Model {
    public Sindy {
      Objects.requireNonNull(model, "model");
    }

    @Override
    public Optional<DynamicsModel> asDynamics() {
      return Optional.of(model);
    }

    @Override
    public Optional<Controller> asController() {
      return Optional.empty();
    }

    @Override
    public ModelKind kind() {
      return ModelKind.SINDY;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.sindy(model);
    }

    @Override
    public Object value() {
      return model;
    }
  }

  /** A ReLU network (layers, neuron kinds). */
  record Network(ReluNetwork network) implements Model {
    public Network {
      Objects.requireNonNull(network, "network");
    }

    @Override
    public Optional<DynamicsModel> asDynamics() {
      return Optional.of(network);
    }

    @Override
    public Optional<Controller> asController() {
      return Optional.empty();
    }

    @Override
    public ModelKind kind() {
      return ModelKind.RELU_NETWORK;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.network(network);
    }

    @Override
    public Object value() {
      return network;
    }
  }

  /** A folded ReLU network. */
  record FoldedNetwork(FoldedReluNetwork network) implements Model {
    public FoldedNetwork {
      Objects.requireNonNull(network, "network");
    }

    @Override
    public Optional<DynamicsModel> asDynamics() {
      return Optional.of(network);
    }

    @Override
    public Optional<Controller> asController() {
      return Optional.empty();
    }

    @Override
    public ModelKind kind() {
      return ModelKind.FOLDED_RELU_NETWORK;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.foldedNetwork(network);
    }

    @Override
    public Object value() {
      return network;
    }
  }

  /** An affine policy {@code u = sat(u_ref − K (x − x_ref))}. */
  record AffineController(AffinePolicy policy) implements Model {
    public AffineController {
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Optional<DynamicsModel> asDynamics() {
      return Optional.empty();
    }

    @Override
    public Optional<Controller> asController() {
      return Optional.of(policy);
    }

    @Override
    public ModelKind kind() {
      return ModelKind.AFFINE_POLICY;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.affinePolicy(policy);
    }

    @Override
    public Object value() {
      return policy;
    }
  }

  /** A ReLU-network policy of state and reference. */
  record NetworkController(NetworkPolicy policy) implements Model {
    public NetworkController {
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Optional<DynamicsModel> asDynamics() {
      return Optional.empty();
    }

    @Override
    public Optional<Controller> asController() {
      return Optional.of(policy);
    }

    @Override
    public ModelKind kind() {
      return ModelKind.NETWORK_POLICY;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.networkPolicy(policy);
    }

    @Override
    public Object value() {
      return policy;
    }
  }

  /**
   * An on-device MPC controller: its model and settings. It has no {@link Controller} view here (the
   * solvers live in {@code io.loopforge.mpc} and the generated code); {@link #asController()} is empty.
   */
  record MpcController(MpcPolicy policy) implements Model {
    public MpcController {
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public List<String> stateNames() {
      return policy.stateNames();
    }

    @Override
    public List<String> inputNames() {
      return policy.inputNames();
    }

    @Override
    public double dt() {
      return policy.dt();
    }

    @Override
    public Optional<DynamicsModel> asDynamics() {
      return Optional.empty();
    }

    @Override
    public Optional<Controller> asController() {
      return Optional.empty();
    }

    @Override
    public ModelKind kind() {
      return ModelKind.MPC_POLICY;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.mpcPolicy(policy);
    }

    @Override
    public Object value() {
      return policy;
    }
  }

  /** A sparse polynomial policy of state and reference. */
  record PolynomialController(PolynomialPolicy policy) implements Model {
    public PolynomialController {
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Optional<DynamicsModel> asDynamics() {
      return Optional.empty();
    }

    @Override
    public Optional<Controller> asController() {
      return Optional.of(policy);
    }

    @Override
    public ModelKind kind() {
      return ModelKind.POLYNOMIAL_POLICY;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.polynomialPolicy(policy);
    }

    @Override
    public Object value() {
      return policy;
    }
  }
}
