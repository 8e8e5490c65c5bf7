package io.loopforge.codegen;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.modeling.io.FileErrors;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The C interface of a controller, described once: what the code generator prints into
 * {@code <prefix>.h} and what firmware built around the controller calls. Immutable; build with
 * {@link #builder(String)}.
 *
 * <p>A <b>stateless</b> controller is one call:
 *
 * <pre>
 * int &lt;prefix&gt;_control(const float *state, const float *reference, float *input_out);
 * </pre>
 *
 * A <b>stateful</b> controller (e.g. an on-device MPC that warm-starts from its last solution) keeps its
 * state in a caller-owned workspace struct {@code <prefix>_workspace}, defined in its header, which
 * {@code <prefix>_init} prepares once before the first step:
 *
 * <pre>
 * int &lt;prefix&gt;_init(&lt;prefix&gt;_workspace *ws);
 * int &lt;prefix&gt;_control(&lt;prefix&gt;_workspace *ws, const float *state, const float *reference, float *input_out);
 * </pre>
 *
 * Every call returns one of {@link #errorCodes()}: 0 ({@code OK}) on success. A stateful controller may
 * also report how its solver ended each step ({@link #statusFunction()}, e.g. an MPC's converged or
 * iteration limit), one of {@link #statusCodes()}:
 *
 * <pre>
 * int &lt;status_function&gt;(&lt;prefix&gt;_workspace *ws);
 * </pre>
 *
 * The header defines the
 * sizes {@code <PREFIX>_NX}, {@code _NU}, {@code _NR} (state, input and reference lengths), the sample
 * interval {@code <PREFIX>_DT} (s), the input limits and index macros named after the states and inputs.
 *
 * <p>The contract travels with generated code as {@code <prefix>.contract.json} ({@link #toJson()},
 * {@link #read(Path)}), so that firmware can be built from a directory of previously generated code
 * without reading the header.
 */
public final class ControllerContract {
  /** The {@code "format"} of a contract file. */
  public static final String FORMAT = "loopforge-controller/1";

  /** A contract file's name ends with this, after the prefix. */
  public static final String FILE_SUFFIX = ".contract.json";

  /**
   * An error code a controller returns.
   *
   * @param name the name without prefix, e.g. {@code ERR_NULL} (C: {@code LF_ERR_NULL} and
   *     {@code <PREFIX>_ERR_NULL})
   * @param value the value returned
   * @param meaning what it means, one line
   */
  public record ErrorCode(String name, int value, String meaning) {
    public ErrorCode {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(meaning, "meaning");
    }
  }

  /**
   * The error codes every generated unit shares ({@code lf_common.h}: {@code LF_OK},
   * {@code LF_ERR_NULL}, …); every contract starts with them.
   */
  public static final List<ErrorCode> COMMON_ERROR_CODES = List.of(
      new ErrorCode("OK", 0, "success"),
      new ErrorCode("ERR_NULL", 1, "a required pointer argument is null"),
      new ErrorCode("ERR_NONFINITE_INPUT", 2, "an input value is NaN or infinite; the outputs are not written"),
      new ErrorCode("ERR_NONFINITE_OUTPUT", 3, "a result is NaN or infinite (overflow); the outputs are written"));

  /**
   * A solver status a stateful controller reports after each step through its {@link #statusFunction()}.
   *
   * @param name upper case, e.g. {@code CONVERGED} (the generated MPC's C macro: {@code <PREFIX>_STATUS_CONVERGED})
   * @param value what the status function returns, 0 to {@value #MAX_CODE}
   * @param meaning what it means, one line
   */
  public record StatusCode(String name, int value, String meaning) {
    public StatusCode {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(meaning, "meaning");
    }
  }

  /**
   * The largest error code or status value: HIL firmware reports both in one 32-bit word per step (the
   * error in the low 16 bits, the status in the high 16 bits).
   */
  public static final int MAX_CODE = 0xFFFF;

  private static final Pattern ERROR_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final List<String> KEYS = List.of("format", "prefix", "state_names", "input_names",
      "reference_names", "dt", "input_bounds", "stateful", "error_codes", "status_function", "status_codes");
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final String prefix;
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final List<String> referenceNames;
  private final double dt;
  private final InputBounds inputBounds;
  private final boolean stateful;
  private final List<ErrorCode> errorCodes;
  private final String statusFunction;
  private final List<StatusCode> statusCodes;

  private ControllerContract(Builder b, List<String> referenceNames, InputBounds inputBounds) {
    this.prefix = b.prefix;
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.referenceNames = referenceNames;
    this.dt = b.dt;
    this.inputBounds = inputBounds;
    this.stateful = b.stateful;
    this.errorCodes = List.copyOf(b.errorCodes);
    this.statusFunction = b.statusFunction;
    this.statusCodes = List.copyOf(b.statusCodes);
  }

  /**
   * @param prefix the C symbol prefix: a letter, then letters, digits or underscores (at most 41
   *     characters), not a C keyword
   * @throws CodegenException when the prefix is not usable
   */
  public static Builder builder(String prefix) {
    return new Builder(prefix);
  }

  /** The contract of a generated policy under {@code prefix}: its names, sample interval and saturation. */
  static ControllerContract forPolicy(String prefix, Policy policy) {
    return builder(prefix).stateNames(policy.stateNames()).inputNames(policy.inputNames())
        .referenceNames(policy.referenceNames()).dt(policy.dt()).inputBounds(policy.inputBounds()).build();
  }

  /** {@code <prefix>.contract.json}. */
  public static String fileName(String prefix) {
    return prefix + FILE_SUFFIX;
  }

  // ---- what it says ---------------------------------------------------------------------------

  /** The C symbol prefix: functions {@code <prefix>_control}, files {@code <prefix>.h}. */
  public String prefix() {
    return prefix;
  }

  /** The prefix in capitals, for macros: {@code <PREFIX>_NX}. */
  public String macroPrefix() {
    return prefix.toUpperCase(Locale.ROOT);
  }

  public List<String> stateNames() {
    return stateNames;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  /** Names of the reference entries, in the order the controller reads them. */
  public List<String> referenceNames() {
    return referenceNames;
  }

  /** State length {@code NX}, at least 1. */
  public int stateDim() {
    return stateNames.size();
  }

  /** Input length {@code NU}, at least 1. */
  public int inputDim() {
    return inputNames.size();
  }

  /** Reference length {@code NR}, 0 or more. */
  public int referenceDim() {
    return referenceNames.size();
  }

  /** The sample interval the controller was designed for, s. */
  public double dt() {
    return dt;
  }

  /** The limits the controller saturates its inputs to, in the inputs' units; infinite where unlimited. */
  public InputBounds inputBounds() {
    return inputBounds;
  }

  /** Whether the controller keeps state across steps in a workspace that {@code <prefix>_init} prepares. */
  public boolean stateful() {
    return stateful;
  }

  /** The codes its calls return: {@link #COMMON_ERROR_CODES}, then the controller's own, if any. */
  public List<ErrorCode> errorCodes() {
    return errorCodes;
  }

  /**
   * The C function that returns how the last step's solver ended, {@code int f(<prefix>_workspace *ws)}
   * (one of {@link #statusCodes()}); empty when the controller reports no status.
   */
  public Optional<String> statusFunction() {
    return Optional.ofNullable(statusFunction);
  }

  /** The values {@link #statusFunction()} returns; empty when there is no status function. */
  public List<StatusCode> statusCodes() {
    return statusCodes;
  }

  /** The status named {@code value}, if the contract declares one. */
  public Optional<StatusCode> statusCode(int value) {
    for (StatusCode c : statusCodes) {
      if (c.value() == value) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  // ---- its C names ----------------------------------------------------------------------------

  /** {@code <prefix>.h}. */
  public String headerFileName() {
    return prefix + ".h";
  }

  /** {@code <prefix>.contract.json}. */
  public String fileName() {
    return fileName(prefix);
  }

  /** {@code <prefix>_control}. */
  public String controlFunction() {
    return prefix + "_control";
  }

  /** {@code <prefix>_init}, for a stateful controller. */
  public Optional<String> initFunction() {
    return stateful ? Optional.of(prefix + "_init") : Optional.empty();
  }

  /** {@code <prefix>_workspace}, the struct type a stateful controller's header defines. */
  public Optional<String> workspaceType() {
    return stateful ? Optional.of(prefix + "_workspace") : Optional.empty();
  }

  /**
   * The control call's C declaration, without the semicolon:
   * {@code int <prefix>_control([<prefix>_workspace *ws, ]const float *state, const float *reference,
   * float *input_out)}.
   */
  public String controlDeclaration() {
    return "int " + controlFunction() + "(" + (stateful ? prefix + "_workspace *ws, " : "")
        + "const float *state, const float *reference, float *input_out)";
  }

  /** The init call's C declaration, for a stateful controller: {@code int <prefix>_init(<prefix>_workspace *ws)}. */
  public Optional<String> initDeclaration() {
    return stateful ? Optional.of("int " + prefix + "_init(" + prefix + "_workspace *ws)") : Optional.empty();
  }

  /** The status call's C declaration, when there is one: {@code int <status_function>(<prefix>_workspace *ws)}. */
  public Optional<String> statusDeclaration() {
    return statusFunction().map(f -> "int " + f + "(" + prefix + "_workspace *ws)");
  }

  // ---- the contract file ----------------------------------------------------------------------

  /**
   * The contract as a JSON file's text (UTF-8, LF line ends, a fixed key order: the same contract
   * gives the same bytes). An infinite input limit is written as {@code null}; {@code status_function} and
   * {@code status_codes} are written only when there is a status function.
   */
  public String toJson() {
    StringBuilder s = new StringBuilder("{\n");
    s.append("  \"format\": ").append(quote(FORMAT)).append(",\n");
    s.append("  \"prefix\": ").append(quote(prefix)).append(",\n");
    s.append("  \"state_names\": ").append(strings(stateNames)).append(",\n");
    s.append("  \"input_names\": ").append(strings(inputNames)).append(",\n");
    s.append("  \"reference_names\": ").append(strings(referenceNames)).append(",\n");
    s.append("  \"dt\": ").append(dt).append(",\n");
    s.append("  \"input_bounds\": {\"lower\": ").append(limits(inputBounds.lower())).append(", \"upper\": ")
        .append(limits(inputBounds.upper())).append("},\n");
    s.append("  \"stateful\": ").append(stateful).append(",\n");
    s.append("  \"error_codes\": [\n");
    for (int i = 0; i < errorCodes.size(); i++) {
      ErrorCode e = errorCodes.get(i);
      s.append("    {\"name\": ").append(quote(e.name())).append(", \"value\": ").append(e.value())
          .append(", \"meaning\": ").append(quote(e.meaning())).append('}')
          .append(i == errorCodes.size() - 1 ? "\n" : ",\n");
    }
    if (statusFunction == null) {
      return s.append("  ]\n}\n").toString();
    }
    s.append("  ],\n");
    s.append("  \"status_function\": ").append(quote(statusFunction)).append(",\n");
    s.append("  \"status_codes\": [\n");
    for (int i = 0; i < statusCodes.size(); i++) {
      StatusCode c = statusCodes.get(i);
      s.append("    {\"name\": ").append(quote(c.name())).append(", \"value\": ").append(c.value())
          .append(", \"meaning\": ").append(quote(c.meaning())).append('}')
          .append(i == statusCodes.size() - 1 ? "\n" : ",\n");
    }
    return s.append("  ]\n}\n").toString();
  }

  /**
   * Reads a contract file.
   *
   * @throws CodegenException naming the file, the key and what is wrong
   */
  public static ControllerContract read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CodegenException("cannot read controller contract " + file + ": " + FileErrors.reason(e), e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses a contract file's text. Keys: {@code format} ({@value #FORMAT}), {@code prefix},
   * {@code state_names}, {@code input_names}, {@code reference_names} (arrays of strings), {@code dt}
   * (s, positive), {@code stateful} (boolean); optional {@code input_bounds}
   * ({@code {"lower": [...], "upper": [...]}}, {@code null} for no limit; default: none) and
   * {@code error_codes} (objects with {@code name}, {@code value}, {@code meaning}; default:
   * {@link #COMMON_ERROR_CODES}); optional, together, {@code status_function} (a C identifier) and
   * {@code status_codes} (objects with {@code name}, {@code value}, {@code meaning}; at least one).
   *
   * @param source where the text comes from, for messages
   * @throws CodegenException naming the source, the key and what is wrong
   */
  public static ControllerContract parse(String text, String source) {
    String where = "controller contract " + source;
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CodegenException(where + " is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()), e);
    }
    if (root == null || !root.isObject()) {
      throw new CodegenException(where + ": the top level must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new CodegenException(where + ": unknown key '" + key + "'; the keys are " + String.join(", ", KEYS));
      }
    }
    String format = text(root, "format", where);
    if (!format.equals(FORMAT)) {
      throw new CodegenException(where + ": key 'format' is '" + format + "', expected '" + FORMAT + "'");
    }
    String prefix = text(root, "prefix", where);
    List<String> states = names(root, "state_names", where);
    List<String> inputs = names(root, "input_names", where);
    List<String> references = names(root, "reference_names", where);
    JsonNode dt = required(root, "dt", where);
    if (!dt.isNumber()) {
      throw new CodegenException(where + ": key 'dt' must be a number (the sample interval, s)");
    }
    JsonNode stateful = required(root, "stateful", where);
    if (!stateful.isBoolean()) {
      throw new CodegenException(where + ": key 'stateful' must be true or false");
    }
    JsonNode bounds = root.get("input_bounds");
    double[] lo = null;
    double[] hi = null;
    if (bounds != null && !bounds.isNull()) {
      if (!bounds.isObject() || bounds.size() != 2 || !bounds.has("lower") || !bounds.has("upper")) {
        throw new CodegenException(where + ": key 'input_bounds' must be {\"lower\": [...], \"upper\": [...]}");
      }
      lo = limits(bounds.get("lower"), "input_bounds.lower", Double.NEGATIVE_INFINITY, where);
      hi = limits(bounds.get("upper"), "input_bounds.upper", Double.POSITIVE_INFINITY, where);
    }
    List<ErrorCode> codes = errorCodes(root.get("error_codes"), where);
    JsonNode statusFunction = root.get("status_function");
    if (statusFunction != null && !statusFunction.isTextual()) {
      throw new CodegenException(where + ": key 'status_function' must be a string (the C function that returns"
          + " the solver status)");
    }
    List<StatusCode> statuses = statusCodes(root.get("status_codes"), where);
    if ((statusFunction == null) != (statuses == null)) {
      throw new CodegenException(where + ": keys 'status_function' and 'status_codes' come together: "
          + (statusFunction == null ? "'status_codes' without 'status_function'" : "'status_function' without"
          + " 'status_codes'"));
    }
    String problem = CodegenOptions.prefixProblem(prefix);
    if (problem != null) {
      throw new CodegenException(where + ": key 'prefix': " + problem);
    }
    try {
      Builder b = builder(prefix).stateNames(states).inputNames(inputs).referenceNames(references)
          .dt(dt.doubleValue()).stateful(stateful.booleanValue());
      if (lo != null) {
        try {
          b.inputBounds(InputBounds.of(lo, hi));
        } catch (IllegalArgumentException e) {
          throw new CodegenException("key 'input_bounds': " + e.getMessage(), e);
        }
      }
      for (int i = COMMON_ERROR_CODES.size(); i < codes.size(); i++) {
        ErrorCode e = codes.get(i);
        try {
          b.errorCode(e.name(), e.value(), e.meaning());
        } catch (CodegenException x) {
          throw new CodegenException("key 'error_codes[" + i + "]': " + x.getMessage(), x);
        }
      }
      if (statusFunction != null) {
        try {
          b.statusFunction(statusFunction.textValue());
        } catch (CodegenException x) {
          throw new CodegenException("key 'status_function': " + x.getMessage(), x);
        }
        for (int i = 0; i < statuses.size(); i++) {
          StatusCode c = statuses.get(i);
          try {
            b.statusCode(c.name(), c.value(), c.meaning());
          } catch (CodegenException x) {
            throw new CodegenException("key 'status_codes[" + i + "]': " + x.getMessage(), x);
          }
        }
      }
      return b.buildChecked();
    } catch (CodegenException e) {
      throw new CodegenException(where + ": " + e.getMessage(), e);
    }
  }

  /** The codes of key 'status_codes', or null when absent. */
  private static List<StatusCode> statusCodes(JsonNode codes, String where) {
    if (codes == null) {
      return null;
    }
    if (!codes.isArray()) {
      throw new CodegenException(where + ": key 'status_codes' must be an array of {\"name\", \"value\", \"meaning\"}");
    }
    List<StatusCode> read = new ArrayList<>();
    for (int i = 0; i < codes.size(); i++) {
      JsonNode c = codes.get(i);
      if (!c.isObject() || c.size() != 3 || !c.path("name").isTextual() || !c.path("value").isInt()
          || !c.path("meaning").isTextual()) {
        throw new CodegenException(where + ": key 'status_codes[" + i + "]' must be {\"name\": string, \"value\":"
            + " integer, \"meaning\": string}");
      }
      read.add(new StatusCode(c.get("name").textValue(), c.get("value").intValue(), c.get("meaning").textValue()));
    }
    return read;
  }

  /** The codes of key 'error_codes' (the common ones when absent), the common ones checked. */
  private static List<ErrorCode> errorCodes(JsonNode codes, String where) {
    if (codes == null) {
      return COMMON_ERROR_CODES;
    }
    if (!codes.isArray()) {
      throw new CodegenException(where + ": key 'error_codes' must be an array of {\"name\", \"value\", \"meaning\"}");
    }
    List<ErrorCode> read = new ArrayList<>();
    for (int i = 0; i < codes.size(); i++) {
      JsonNode c = codes.get(i);
      if (!c.isObject() || c.size() != 3 || !c.path("name").isTextual() || !c.path("value").isInt()
          || !c.path("meaning").isTextual()) {
        throw new CodegenException(where + ": key 'error_codes[" + i + "]' must be {\"name\": string, \"value\":"
            + " integer, \"meaning\": string}");
      }
      read.add(new ErrorCode(c.get("name").textValue(), c.get("value").intValue(), c.get("meaning").textValue()));
    }
    for (int i = 0; i < COMMON_ERROR_CODES.size(); i++) {
      ErrorCode e = COMMON_ERROR_CODES.get(i);
      if (read.size() <= i || !read.get(i).name().equals(e.name()) || read.get(i).value() != e.value()) {
        throw new CodegenException(where + ": key 'error_codes[" + i + "]' must be " + e.name() + " = " + e.value()
            + " (the codes of lf_common.h come first: OK 0, ERR_NULL 1, ERR_NONFINITE_INPUT 2,"
            + " ERR_NONFINITE_OUTPUT 3)");
      }
    }
    return read;
  }

  private static JsonNode required(JsonNode root, String key, String where) {
    JsonNode n = root.get(key);
    if (n == null) {
      throw new CodegenException(where + ": missing key '" + key + "'");
    }
    return n;
  }

  private static String text(JsonNode root, String key, String where) {
    JsonNode n = required(root, key, where);
    if (!n.isTextual()) {
      throw new CodegenException(where + ": key '" + key + "' must be a string");
    }
    return n.textValue();
  }

  private static List<String> names(JsonNode root, String key, String where) {
    JsonNode n = required(root, key, where);
    if (!n.isArray()) {
      throw new CodegenException(where + ": key '" + key + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isTextual()) {
        throw new CodegenException(where + ": key '" + key + "[" + i + "]' must be a string");
      }
      out.add(n.get(i).textValue());
    }
    return out;
  }

  private static double[] limits(JsonNode n, String key, double none, String where) {
    if (!n.isArray()) {
      throw new CodegenException(where + ": key '" + key + "' must be an array of numbers (null for no limit)");
    }
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode e = n.get(i);
      if (e.isNull()) {
        v[i] = none;
      } else if (e.isNumber()) {
        v[i] = e.doubleValue();
      } else {
        throw new CodegenException(where + ": key '" + key + "[" + i + "]' must be a number or null (no limit)");
      }
    }
    return v;
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  private static String strings(List<String> list) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < list.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(quote(list.get(i)));
    }
    return s.append(']').toString();
  }

  private static String limits(double[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : ", ").append(Double.isInfinite(v[i]) ? "null" : Double.toString(v[i]));
    }
    return s.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ControllerContract)) {
      return false;
    }
    ControllerContract c = (ControllerContract) o;
    return prefix.equals(c.prefix) && stateNames.equals(c.stateNames) && inputNames.equals(c.inputNames)
        && referenceNames.equals(c.referenceNames) && Double.compare(dt, c.dt) == 0
        && inputBounds.equals(c.inputBounds) && stateful == c.stateful && errorCodes.equals(c.errorCodes)
        && Objects.equals(statusFunction, c.statusFunction) && statusCodes.equals(c.statusCodes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prefix, stateNames, inputNames, referenceNames, dt, inputBounds, stateful, errorCodes,
        statusFunction, statusCodes);
  }

  @Override
  public String toString() {
    return "ControllerContract[" + prefix + ", " + (stateful ? "stateful" : "stateless") + ", states " + stateNames
        + ", inputs " + inputNames + ", references " + referenceNames + ", dt " + dt + " s, " + inputBounds
        + (statusFunction == null ? "" : ", status " + statusFunction + " " + statusCodes) + "]";
  }

  /**
   * Builds a {@link ControllerContract}. Required: state and input names, {@code dt}. Defaults: reference
   * names {@code <state>_ref} for each state, no input limits, stateless, the common error codes only, no
   * status function.
   */
  public static final class Builder {
    private final String prefix;
    private List<String> stateNames;
    private List<String> inputNames;
    private List<String> referenceNames;
    private double dt = Double.NaN;
    private InputBounds inputBounds;
    private boolean stateful;
    private final List<ErrorCode> errorCodes = new ArrayList<>(COMMON_ERROR_CODES);
    private String statusFunction;
    private final List<StatusCode> statusCodes = new ArrayList<>();

    private Builder(String prefix) {
      String problem = CodegenOptions.prefixProblem(prefix);
      if (problem != null) {
        throw new CodegenException(problem);
      }
      this.prefix = prefix;
    }

    /** The state names, in the order of {@code state[]}; at least one. */
    public Builder stateNames(List<String> names) {
      this.stateNames = copy(names, "state_names");
      return this;
    }

    public Builder stateNames(String... names) {
      return stateNames(Arrays.asList(names));
    }

    /** The input names, in the order of {@code input_out[]}; at least one. */
    public Builder inputNames(List<String> names) {
      this.inputNames = copy(names, "input_names");
      return this;
    }

    public Builder inputNames(String... names) {
      return inputNames(Arrays.asList(names));
    }

    /** The reference names, in the order of {@code reference[]}; may be empty. */
    public Builder referenceNames(List<String> names) {
      this.referenceNames = copy(names, "reference_names");
      return this;
    }

    public Builder referenceNames(String... names) {
      return referenceNames(Arrays.asList(names));
    }

    /** @param seconds the sample interval the controller is designed for, s (positive, finite) */
    public Builder dt(double seconds) {
      this.dt = seconds;
      return this;
    }

    /** The limits the controller saturates its inputs to; one pair per input, infinite for none. */
    public Builder inputBounds(InputBounds bounds) {
      this.inputBounds = Objects.requireNonNull(bounds, "bounds");
      return this;
    }

    /** Whether the controller has a workspace and an init call (default false). */
    public Builder stateful(boolean stateful) {
      this.stateful = stateful;
      return this;
    }

    /**
     * A code of this controller's own, beyond {@link #COMMON_ERROR_CODES}.
     *
     * @param name upper case, e.g. {@code ERR_NOT_CONVERGED}; C: {@code <PREFIX>_ERR_NOT_CONVERGED}
     * @param value distinct from every other code's, 1 to {@value #MAX_CODE}
     */
    public Builder errorCode(String name, int value, String meaning) {
      if (name == null || !ERROR_NAME.matcher(name).matches()) {
        throw new CodegenException("error code name '" + name + "' must be upper case letters, digits and"
            + " underscores, starting with a letter");
      }
      if (value < 0 || value > MAX_CODE) {
        throw new CodegenException("error code " + name + " = " + value + " is outside 0.." + MAX_CODE
            + " (HIL firmware reports it in 16 bits)");
      }
      for (ErrorCode e : errorCodes) {
        if (e.name().equals(name) || e.value() == value) {
          throw new CodegenException("error code " + name + " = " + value + " clashes with " + e.name() + " = "
              + e.value());
        }
      }
      errorCodes.add(new ErrorCode(name, value, Objects.requireNonNull(meaning, "meaning")));
      return this;
    }

    /**
     * The C function that returns how the last step's solver ended, {@code int f(<prefix>_workspace *ws)};
     * for a stateful controller, with its {@link #statusCode statuses}.
     */
    public Builder statusFunction(String function) {
      if (function == null || !C_IDENTIFIER.matcher(function).matches()) {
        throw new CodegenException("status function '" + function + "' is not a C identifier");
      }
      this.statusFunction = function;
      return this;
    }

    /**
     * A value the {@link #statusFunction status function} returns.
     *
     * @param name upper case, e.g. {@code CONVERGED}
     * @param value distinct from every other status's, 0 to {@value #MAX_CODE}
     */
    public Builder statusCode(String name, int value, String meaning) {
      if (name == null || !ERROR_NAME.matcher(name).matches()) {
        throw new CodegenException("status name '" + name + "' must be upper case letters, digits and"
            + " underscores, starting with a letter");
      }
      if (value < 0 || value > MAX_CODE) {
        throw new CodegenException("status " + name + " = " + value + " is outside 0.." + MAX_CODE
            + " (HIL firmware reports it in 16 bits)");
      }
      for (StatusCode c : statusCodes) {
        if (c.name().equals(name) || c.value() == value) {
          throw new CodegenException("status " + name + " = " + value + " clashes with " + c.name() + " = "
              + c.value());
        }
      }
      statusCodes.add(new StatusCode(name, value, Objects.requireNonNull(meaning, "meaning")));
      return this;
    }

    /** @throws CodegenException when a required part is missing or parts disagree */
    public ControllerContract build() {
      try {
        return buildChecked();
      } catch (CodegenException e) {
        throw new CodegenException("controller " + prefix + ": " + e.getMessage(), e);
      }
    }

    private ControllerContract buildChecked() {
      if (stateNames == null || stateNames.isEmpty()) {
        throw new CodegenException("no state names (key 'state_names'): at least one state is required");
      }
      if (inputNames == null || inputNames.isEmpty()) {
        throw new CodegenException("no input names (key 'input_names'): at least one input is required");
      }
      List<String> refs = referenceNames;
      if (refs == null) {
        List<String> r = new ArrayList<>();
        for (String s : stateNames) {
          r.add(s + "_ref");
        }
        refs = List.copyOf(r);
      }
      if (!(dt > 0) || Double.isInfinite(dt)) {
        throw new CodegenException("key 'dt' must be a positive number of seconds, got " + dt);
      }
      InputBounds bounds = inputBounds != null ? inputBounds : InputBounds.unbounded(inputNames.size());
      if (bounds.size() != inputNames.size()) {
        throw new CodegenException("key 'input_bounds' has limits for " + bounds.size() + " inputs, expected "
            + inputNames.size() + " (one per input name)");
      }
      if (statusFunction != null && !stateful) {
        throw new CodegenException("status function " + statusFunction + " needs a stateful controller (key"
            + " 'stateful': true): it reads the status from the workspace");
      }
      if ((statusFunction == null) != statusCodes.isEmpty()) {
        throw new CodegenException(statusFunction == null
            ? "status codes without a status function (key 'status_function')"
            : "status function " + statusFunction + " without status codes (key 'status_codes')");
      }
      return new ControllerContract(this, refs, bounds);
    }

    private static List<String> copy(List<String> names, String key) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        if (n == null || n.isBlank()) {
          throw new CodegenException("key '" + key + "[" + i + "]' is empty: every name needs a character");
        }
        if (!seen.add(n)) {
          throw new CodegenException("key '" + key + "': the name '" + n + "' appears twice");
        }
      }
      return List.copyOf(names);
    }
  }
}
