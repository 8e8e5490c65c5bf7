package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.ModelingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A library of candidate terms Θ(x, u) for SINDy, with PySINDy's term order and names. Libraries act
 * on the states followed by the inputs ({@code z = [x, u]}, as PySINDy's SINDYc does), except the
 * control-affine library, which treats them differently.
 *
 * <p>Immutable descriptions; {@link #bind} compiles one for given state and input names into a
 * {@link BoundLibrary} that evaluates it. Every library except {@link #custom} has a JSON form, the
 * {@code library} object of a SINDy spec ({@link #toSpec()}, {@link #fromSpec}).
 *
 * <ul>
 *   <li>{@link #polynomial}: {@code 1, x0, x1, x0^2, x0 x1, x1^2, …} (PySINDy's {@code PolynomialLibrary});
 *   <li>{@link #fourier}: {@code sin(1 x0), cos(1 x0), sin(1 x1), …, sin(2 x0), …};
 *   <li>{@link #identity}: the variables themselves;
 *   <li>{@link #custom}: named user functions of one or several variables;
 *   <li>{@link #concat} ({@code lib1 + lib2}) and {@link #tensor} ({@code lib1 * lib2});
 *   <li>{@link #controlAffine}: SINDy-RL's library, polynomial(x) without bias, then polynomial(x)·u.
 * </ul>
 */
public abstract class FeatureLibrary {
  FeatureLibrary() {}

  /** PySINDy's default polynomial library of the given degree (bias, interactions). */
  public static FeatureLibrary polynomial(int degree) {
    return polynomial(degree, true, true, false);
  }

  /**
   * @param degree highest total degree, at least 0
   * @param includeBias whether the constant term {@code 1} comes first
   * @param includeInteraction whether products of different variables are included
   * @param interactionOnly whether only products of distinct variables are included (no {@code x0^2})
   */
  public static FeatureLibrary polynomial(
      int degree, boolean includeBias, boolean includeInteraction, boolean interactionOnly) {
    return new Polynomial(degree, includeBias, includeInteraction, interactionOnly);
  }

  /** The variables themselves ({@code x0, x1, …, u0, …}). */
  public static FeatureLibrary identity() {
    return new Polynomial(1, false, true, false, "identity");
  }

  /** {@code sin(k x)} and {@code cos(k x)} for {@code k = 1 … nFrequencies}. */
  public static FeatureLibrary fourier(int nFrequencies) {
    return fourier(nFrequencies, true, true);
  }

  public static FeatureLibrary fourier(int nFrequencies, boolean includeSin, boolean includeCos) {
    return new Fourier(nFrequencies, includeSin, includeCos);
  }

  /**
   * Each function applied to every combination of distinct variables of its arity (PySINDy's
   * {@code CustomLibrary}); cannot be written to a spec or model file.
   */
  public static FeatureLibrary custom(List<CustomFunction> functions) {
    return custom(functions, true, false);
  }

  public static FeatureLibrary custom(List<CustomFunction> functions, boolean interactionOnly, boolean includeBias) {
    return new Custom(functions, interactionOnly, includeBias);
  }

  /** The terms of each part, side by side. */
  public static FeatureLibrary concat(FeatureLibrary... parts) {
    return concat(List.of(parts));
  }

  public static FeatureLibrary concat(List<FeatureLibrary> parts) {
    return new Composite(parts, false);
  }

  /** All products of one term of each part, the first part varying slowest. */
  public static FeatureLibrary tensor(FeatureLibrary... parts) {
    return tensor(List.of(parts));
  }

  public static FeatureLibrary tensor(List<FeatureLibrary> parts) {
    return new Composite(parts, true);
  }

  /**
   * SINDy-RL's control-affine library: the polynomial terms of the states up to {@code degree}
   * without bias, then for each polynomial term {@code p} of the states up to {@code degree} with
   * bias and each input {@code u}: {@code p·u}, named {@code u0} for the bias and {@code x0 u0}
   * otherwise. The states' polynomial ignores the inputs; needs at least one input.
   */
  public static FeatureLibrary controlAffine(int degree) {
    return new ControlAffine(degree);
  }

  /** {@code concat(this, other)}. */
  public FeatureLibrary plus(FeatureLibrary other) {
    return concat(this, other);
  }

  /** {@code tensor(this, other)}. */
  public FeatureLibrary times(FeatureLibrary other) {
    return tensor(this, other);
  }

  /**
   * Compiles this library for the given variables.
   *
   * @throws ModelingException when the library cannot be built for them (e.g. control-affine without inputs)
   */
  public BoundLibrary bind(List<String> stateNames, List<String> inputNames) {
    return new BoundLibrary(this, stateNames, inputNames);
  }

  /** The library as the {@code library} object of a SINDy spec, with every parameter written out. */
  public abstract ObjectNode toSpec();

  /**
   * Reads a {@code library} object of a SINDy spec. Unknown keys and types are errors.
   *
   * @param source name of the file (for messages)
   * @param path where the object sits in the file, e.g. {@code library}
   */
  public static FeatureLibrary fromSpec(JsonNode node, String source, String path) {
    return fromSpec(new SpecReader(node, source, path));
  }

  static FeatureLibrary fromSpec(SpecReader r) {
    String type = r.requireString("type");
    switch (type) {
      case "polynomial":
        r.allowOnly(Set.of("type", "degree", "include_bias", "include_interaction", "interaction_only"));
        return checked(r, () -> polynomial(
            r.integer("degree", 2),
            r.bool("include_bias", true),
            r.bool("include_interaction", true),
            r.bool("interaction_only", false)));
      case "identity":
        r.allowOnly(Set.of("type"));
        return identity();
      case "fourier":
        r.allowOnly(Set.of("type", "n_frequencies", "include_sin", "include_cos"));
        return checked(r, () -> fourier(
            r.integer("n_frequencies", 1), r.bool("include_sin", true), r.bool("include_cos", true)));
      case "concat":
      case "tensor": {
        r.allowOnly(Set.of("type", "parts"));
        List<FeatureLibrary> parts = new ArrayList<>();
        for (SpecReader p : r.objects("parts")) {
          parts.add(fromSpec(p));
        }
        return checked(r, () -> type.equals("concat") ? concat(parts) : tensor(parts));
      }
      case "control_affine":
        r.allowOnly(Set.of("type", "degree"));
        return checked(r, () -> controlAffine(r.integer("degree", 2)));
      case "custom":
        throw r.error(
            r.child("type"),
            "a custom library holds Java functions and has no JSON form; build it with FeatureLibrary.custom");
      default:
        throw r.error(
            r.child("type"),
            "unknown library type \"" + type
                + "\"; known: polynomial, fourier, identity, concat, tensor, control_affine");
    }
  }

  private static FeatureLibrary checked(SpecReader r, java.util.function.Supplier<FeatureLibrary> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException e) {
      throw r.error(e.getMessage());
    }
  }

  /**
   * Compiles the library for the variables {@code z[vars[i]]} named {@code names.get(i)}; the
   * variables are the states then the inputs, {@code nStates} of them states.
   */
  abstract LibraryNode compile(int[] vars, List<String> names, int nStates);

  @Override
  public String toString() {
    ObjectNode s = specOrNull();
    return s == null ? getClass().getSimpleName() : s.toString();
  }

  /** Libraries with a JSON form are equal when their specs are; one with custom functions only to itself. */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof FeatureLibrary)) {
      return false;
    }
    ObjectNode a = specOrNull();
    ObjectNode b = ((FeatureLibrary) o).specOrNull();
    return a != null && a.equals(b);
  }

  @Override
  public int hashCode() {
    ObjectNode s = specOrNull();
    return s == null ? System.identityHashCode(this) : s.hashCode();
  }

  private ObjectNode specOrNull() {
    try {
      return toSpec();
    } catch (ModelingException e) {
      return null; // contains custom functions
    }
  }

  // ---------------------------------------------------------------------------------------------

  static final class Polynomial extends FeatureLibrary {
    final int degree;
    final boolean includeBias;
    final boolean includeInteraction;
    final boolean interactionOnly;
    private final String specType;

    Polynomial(int degree, boolean includeBias, boolean includeInteraction, boolean interactionOnly) {
      this(degree, includeBias, includeInteraction, interactionOnly, "polynomial");
    }

    Polynomial(int degree, boolean includeBias, boolean includeInteraction, boolean interactionOnly, String type) {
      if (degree < 0) {
        throw new IllegalArgumentException("polynomial degree must be at least 0, got " + degree);
      }
      if (!includeInteraction && interactionOnly) {
        throw new IllegalArgumentException(
            "include_interaction = false and interaction_only = true contradict each other");
      }
      if (degree == 0 && !includeBias) {
        throw new IllegalArgumentException("a polynomial library of degree 0 without bias has no terms");
      }
      this.degree = degree;
      this.includeBias = includeBias;
      this.includeInteraction = includeInteraction;
      this.interactionOnly = interactionOnly;
      this.specType = type;
    }

    @Override
    LibraryNode compile(int[] vars, List<String> names, int nStates) {
      return PolynomialNode.create(vars, names, degree, includeBias, includeInteraction, interactionOnly);
    }

    @Override
    public ObjectNode toSpec() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("type", specType);
      if (specType.equals("polynomial")) {
        o.put("degree", degree);
        o.put("include_bias", includeBias);
        o.put("include_interaction", includeInteraction);
        o.put("interaction_only", interactionOnly);
      }
      return o;
    }
  }

  static final class Fourier extends FeatureLibrary {
    final int nFrequencies;
    final boolean includeSin;
    final boolean includeCos;

    Fourier(int nFrequencies, boolean includeSin, boolean includeCos) {
      if (nFrequencies < 1) {
        throw new IllegalArgumentException("n_frequencies must be at least 1, got " + nFrequencies);
      }
      if (!includeSin && !includeCos) {
        throw new IllegalArgumentException("a Fourier library needs include_sin or include_cos");
      }
      this.nFrequencies = nFrequencies;
      this.includeSin = includeSin;
      this.includeCos = includeCos;
    }

    @Override
    LibraryNode compile(int[] vars, List<String> names, int nStates) {
      return FourierNode.create(vars, names, nFrequencies, includeSin, includeCos);
    }

    @Override
    public ObjectNode toSpec() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("type", "fourier");
      o.put("n_frequencies", nFrequencies);
      o.put("include_sin", includeSin);
      o.put("include_cos", includeCos);
      return o;
    }
  }

  static final class Custom extends FeatureLibrary {
    final List<CustomFunction> functions;
    final boolean interactionOnly;
    final boolean includeBias;

    Custom(List<CustomFunction> functions, boolean interactionOnly, boolean includeBias) {
      if (functions.isEmpty() && !includeBias) {
        throw new IllegalArgumentException("a custom library needs at least one function");
      }
      this.functions = List.copyOf(functions);
      this.interactionOnly = interactionOnly;
      this.includeBias = includeBias;
    }

    @Override
    LibraryNode compile(int[] vars, List<String> names, int nStates) {
      return CustomNode.create(vars, names, functions, interactionOnly, includeBias);
    }

    @Override
    public ObjectNode toSpec() {
      throw new ModelingException(
          "a custom feature library (" + functions + ") holds Java functions and cannot be written as JSON;"
              + " keep the library in code and pass it when loading the model");
    }

    @Override
    public String toString() {
      return "custom" + functions;
    }
  }

  static final class Composite extends FeatureLibrary {
    final List<FeatureLibrary> parts;
    final boolean tensor;

    Composite(List<FeatureLibrary> parts, boolean tensor) {
      if (parts.isEmpty()) {
        throw new IllegalArgumentException((tensor ? "tensor" : "concat") + " needs at least one part");
      }
      for (FeatureLibrary p : parts) {
        Objects.requireNonNull(p, "library part");
      }
      this.parts = List.copyOf(parts);
      this.tensor = tensor;
    }

    @Override
    LibraryNode compile(int[] vars, List<String> names, int nStates) {
      List<LibraryNode> nodes = new ArrayList<>();
      for (FeatureLibrary p : parts) {
        nodes.add(p.compile(vars, names, nStates));
      }
      return tensor ? TensorNode.create(nodes, false) : new ConcatNode(nodes);
    }

    @Override
    public ObjectNode toSpec() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("type", tensor ? "tensor" : "concat");
      ArrayNode a = o.putArray("parts");
      for (FeatureLibrary p : parts) {
        a.add(p.toSpec());
      }
      return o;
    }

    @Override
    public String toString() {
      return (tensor ? "tensor" : "concat") + parts;
    }
  }

  static final class ControlAffine extends FeatureLibrary {
    final int degree;

    ControlAffine(int degree) {
      if (degree < 1) {
        throw new IllegalArgumentException("control-affine degree must be at least 1, got " + degree);
      }
      this.degree = degree;
    }

    @Override
    LibraryNode compile(int[] vars, List<String> names, int nStates) {
      int nInputs = vars.length - nStates;
      if (nInputs < 1) {
        throw new ModelingException(
            "the control-affine library needs at least one input column (u…), but the data has none;"
                + " use a polynomial library for an autonomous system");
      }
      int[] xv = java.util.Arrays.copyOf(vars, nStates);
      int[] uv = java.util.Arrays.copyOfRange(vars, nStates, vars.length);
      List<String> xn = names.subList(0, nStates);
      List<String> un = names.subList(nStates, names.size());
      LibraryNode drift = PolynomialNode.create(xv, xn, degree, false, true, false);
      LibraryNode gain = PolynomialNode.create(xv, xn, degree, true, true, false);
      LibraryNode inputs = PolynomialNode.create(uv, un, 1, false, true, false);
      return new ConcatNode(List.of(drift, TensorNode.create(List.of(gain, inputs), true)));
    }

    @Override
    public ObjectNode toSpec() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("type", "control_affine");
      o.put("degree", degree);
      return o;
    }
  }
}
