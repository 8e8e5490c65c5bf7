package io.loopforge.mpc.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.registry.ModelFile;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.TerminalCost;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The mixed-integer MPC a distillation imitates, read from an MPC spec file and kept as plain values (the
 * spec's numbers, the model file's text, the catalog plant's name), so that it travels: serialized to
 * another JVM (a Spark executor) it rebuilds the same {@link MpcProblem} and the same deterministic {@link
 * MipPlanner} there, without the spec or model file on that machine.
 *
 * <p>The spec is JSON: {@code {"model": "net.json" (relative to the spec), "horizon": 8, "norm": "l1"|"linf",
 * "q": [...], "terminal": [...] | "lqr-tail", "r": [...], "r_rate": [...], "rate_limit": [...], "x_ref": [...],
 * "state_penalty": 100, "time_limit_ms": 2000}}; only {@code model} is required. {@code "terminal": "lqr-tail"}
 * makes the terminal cost the L1 cost of an LQR tail ({@link TerminalCost#lqrTail(MpcProblem)}; norm l1).
 * Defaults: horizon 10, l1, q = 1, r = 0.01, the plant's task reference, state penalty 100, no time limit.
 * Input bounds, state bounds and the input reference come from the plant. Weights are per unit of the plant's
 * state and input units.
 */
public final class MpcSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The keys a spec may have. */
  public static final Set<String> KEYS = Set.of("model", "horizon", "norm", "q", "terminal", "r", "r_rate",
      "rate_limit", "x_ref", "state_penalty", "time_limit_ms");

  private final String source;
  private final String modelText;
  private final String modelSource;
  private final String modelName;
  private final String modelSha256;
  private final String plantName;
  private final int horizon;
  private final MpcProblem.Norm norm;
  private final double[] q;
  private final double[] r;
  private final double[] terminal;
  /** Whether the terminal cost is the LQR tail (then {@link #terminal} is null). */
  private final boolean lqrTail;
  private final double[] rRate;
  private final double[] rateLimit;
  private final double[] xRef;
  private final double statePenalty;
  private final Long timeLimitMillis;

  /** Rebuilt on first use in each JVM. */
  private transient volatile Built built;

  private record Built(ModelFile model, Plant plant, MpcProblem problem) {}

  private MpcSpec(Parser p, ModelFile mf, String modelText, String modelSource, String plantName) {
    this.source = p.source;
    this.modelText = modelText;
    this.modelSource = modelSource;
    this.modelName = mf.name();
    this.modelSha256 = mf.sha256();
    this.plantName = plantName;
    this.horizon = p.horizon;
    this.norm = p.norm;
    this.q = p.q;
    this.r = p.r;
    this.terminal = p.terminal;
    this.lqrTail = p.lqrTail;
    this.rRate = p.rRate;
    this.rateLimit = p.rateLimit;
    this.xRef = p.xRef;
    this.statePenalty = p.statePenalty;
    this.timeLimitMillis = p.timeLimitMillis;
  }

  /**
   * Reads the spec file {@code file} for the catalog plant {@code plantName} (default parameters, as {@link
   * PlantCatalog#create} makes it on every machine) and checks it: the model file (relative
   * to the spec) is a dynamics model with the plant's states and inputs, and the MPC it describes is one the
   * MIP planner takes.
   *
   * @throws MpcException naming the spec file and the key that is wrong
   * @throws io.loopforge.modeling.ModelingException when the model file is missing or malformed, or the
   *     plant name is not in the catalog
   */
  public static MpcSpec read(Path file, String plantName) {
    Plant plant = PlantCatalog.create(plantName);
    if (!Files.isRegularFile(file)) {
      throw new MpcException(file + ": no such file");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new MpcException(file + ": not valid JSON: " + e.getMessage());
    }
    Parser p = new Parser(file.toString(), root);
    Path modelFile = file.toAbsolutePath().getParent().resolve(p.modelPath);
    ModelFile mf = ModelFiles.read(modelFile);
    String text;
    try {
      text = Files.readString(modelFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MpcException("cannot read model file " + modelFile + ": " + e.getMessage());
    }
    p.check(mf, plant);
    MpcSpec spec = new MpcSpec(p, mf, text, modelFile.toString(), plantName);
    spec.built = spec.build(mf, plant);
    return spec;
  }

  /** The spec file it was read from, for messages. */
  public String source() {
    return source;
  }

  public ModelFile modelFile() {
    return built().model();
  }

  /** A fresh catalog plant of the spec's name (with its default parameters). */
  public Plant plant() {
    return built().plant();
  }

  public String plantName() {
    return plantName;
  }

  /** The MPC problem (immutable, shared). */
  public MpcProblem problem() {
    return built().problem();
  }

  /** The MIP's time limit, ms; null when the spec sets none. */
  public Long timeLimitMillis() {
    return timeLimitMillis;
  }

  /** A fresh deterministic MIP planner of the problem, with the spec's time limit. */
  public MipPlanner planner() {
    MipPlanner.Builder b = MipPlanner.builder(problem()).deterministic(true);
    if (timeLimitMillis != null) {
      b.timeLimit(Duration.ofMillis(timeLimitMillis));
    }
    return b.build();
  }

  /**
   * Fresh planners ({@link #planner}) from a serializable factory, so that a solve job's chunks may run in
   * other JVMs.
   */
  public Supplier<Planner> planners() {
    return (Supplier<Planner> & Serializable) this::planner;
  }

  /**
   * What defines the solves beyond the problem itself: the model file's hash and the time limit (for {@link
   * SolveJob.Builder#description}).
   */
  public String description() {
    return modelSha256 + "|" + timeLimitMillis;
  }

  private Built built() {
    Built b = built;
    if (b == null) {
      synchronized (this) {
        b = built;
        if (b == null) {
          b = build(ModelFiles.parse(modelText, modelSource, modelName), PlantCatalog.create(plantName));
          built = b;
        }
      }
    }
    return b;
  }

  private Built build(ModelFile mf, Plant p) {
    DynamicsModel m = mf.model().dynamics("distill --mpc");
    int nx = m.stateDim();
    int nu = m.inputDim();
    try {
      MpcProblem.Builder b = MpcProblem.builder(m, horizon).norm(norm)
          .stateReference(xRef != null ? xRef : p.defaultTask().referenceState())
          .stateWeights(q != null ? q : fill(nx, 1))
          .inputWeights(r != null ? r : fill(nu, 0.01))
          .inputBounds(p.inputLower(), p.inputUpper())
          .stateBounds(p.stateLower(), p.stateUpper(), statePenalty);
      if (p.defaultTask().hasReferenceInput()) {
        b.inputReference(p.defaultTask().referenceInput());
      }
      if (terminal != null) {
        b.terminalWeights(terminal);
      }
      if (rRate != null) {
        b.inputRateWeights(rRate);
      }
      if (rateLimit != null) {
        b.inputRateLimit(rateLimit);
      }
      if (lqrTail) {
        b.terminalMatrix(TerminalCost.lqrTail(b.build()));
      }
      MpcProblem problem = b.build();
      MipPlanner.builder(problem); // the MIP's own checks, before any solve
      return new Built(mf, p, problem);
    } catch (MpcException e) {
      throw new MpcException(source + ": " + e.getMessage());
    }
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  @Override
  public String toString() {
    return "MpcSpec[" + source + ", model " + modelName + ", plant " + plantName + ", H = " + horizon + "]";
  }

  /** The spec's JSON, checked key by key; vectors are checked against the model's sizes in {@link #check}. */
  private static final class Parser {
    final String source;
    final JsonNode root;
    final String modelPath;
    int horizon;
    MpcProblem.Norm norm;
    double[] q;
    double[] r;
    double[] terminal;
    boolean lqrTail;
    double[] rRate;
    double[] rateLimit;
    double[] xRef;
    double statePenalty;
    Long timeLimitMillis;

    Parser(String source, JsonNode root) {
      this.source = source;
      this.root = root;
      if (root == null || !root.isObject()) {
        throw new MpcException(source + ": expected a JSON object with at least \"model\"");
      }
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!KEYS.contains(k)) {
          throw new MpcException(source + ": unknown key '" + k + "'; known keys: " + new TreeSet<>(KEYS));
        }
      }
      if (!root.path("model").isTextual()) {
        throw new MpcException(source + ": key 'model' must name the relu-network model file (relative to the spec)");
      }
      this.modelPath = root.get("model").asText();
    }

    void check(ModelFile mf, Plant p) {
      DynamicsModel m = mf.model().dynamics("distill --mpc");
      if (!m.stateNames().equals(p.stateNames()) || !m.inputNames().equals(p.inputNames())) {
        throw new MpcException("the model " + mf.name() + " has states " + m.stateNames() + " and inputs "
            + m.inputNames() + " but the plant " + p.name() + " has states " + p.stateNames() + " and inputs "
            + p.inputNames() + "; use a model learned from " + p.name() + "'s data");
      }
      int nx = m.stateDim();
      int nu = m.inputDim();
      String ns = root.path("norm").asText("l1");
      switch (ns) {
        case "l1" -> norm = MpcProblem.Norm.L1;
        case "linf" -> norm = MpcProblem.Norm.LINF;
        default -> throw new MpcException(source + ": key 'norm' must be l1 or linf (the MIP needs a linear cost), got "
            + ns);
      }
      horizon = integer("horizon", 10);
      xRef = vector("x_ref", nx);
      q = vector("q", nx);
      r = vector("r", nu);
      statePenalty = root.path("state_penalty").asDouble(100);
      if (root.path("terminal").isTextual()) {
        if (!root.get("terminal").asText().equals("lqr-tail")) {
          throw new MpcException(source + ": key 'terminal' must be an array of " + nx + " weights or \"lqr-tail\","
              + " got " + root.get("terminal"));
        }
        if (norm != MpcProblem.Norm.L1) {
          throw new MpcException(source + ": \"terminal\": \"lqr-tail\" is an L1 cost; it needs \"norm\": \"l1\"");
        }
        lqrTail = true;
      } else {
        terminal = vector("terminal", nx);
      }
      rRate = vector("r_rate", nu);
      rateLimit = vector("rate_limit", nu);
      timeLimitMillis = root.has("time_limit_ms") ? (long) integer("time_limit_ms", 0) : null;
    }

    private int integer(String key, int dflt) {
      JsonNode n = root.get(key);
      if (n == null) {
        return dflt;
      }
      if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
        throw new MpcException(source + ": key '" + key + "' must be a positive integer, got " + n);
      }
      return n.asInt();
    }

    /** The key's vector of n numbers; null when the key is absent. */
    private double[] vector(String key, int n) {
      JsonNode a = root.get(key);
      if (a == null) {
        return null;
      }
      if (!a.isArray() || a.size() != n) {
        throw new MpcException(source + ": key '" + key + "' must be an array of " + n + " numbers, got " + a);
      }
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        if (!a.get(i).isNumber()) {
          throw new MpcException(source + ": key '" + key + "[" + i + "]' must be a number, got " + a.get(i));
        }
        v[i] = a.get(i).asDouble();
      }
      return v;
    }
  }
}
