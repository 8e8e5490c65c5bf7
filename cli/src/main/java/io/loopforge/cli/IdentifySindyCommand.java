package io.loopforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.io.CsvOptions;
import io.loopforge.modeling.io.TrajectoryCsv;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.SindySpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge identify sindy}: fit a SINDy model (PySINDy semantics) to trajectory CSV data,
 * print its equations and write the model file.
 */
@Command(
    name = "sindy",
    mixinStandardHelpOptions = true,
    header = "Fit a SINDy model (PySINDy parity) and print its equations.",
    sortOptions = false,
    description = {
      "Fit a SINDy model to trajectory data (same data and settings as PySINDy give the same model), print"
          + " its equations in PySINDy's format and write the model file.",
      "",
      "The fit is described by a spec (JSON with the schema of the PySINDy reference cases: library,"
          + " differentiation, optimizer, dt, discrete_time; unknown keys are errors) and/or the flags below,"
          + " which override the spec. Without either: PySINDy's defaults, polynomial degree 2, finite"
          + " differences of order 2, STLSQ with threshold 0.1 and alpha 0.05.",
      ""
    })
final class IdentifySindyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      required = true,
      arity = "1..*",
      paramLabel = "FILE.csv",
      description = "Trajectory CSV file(s): header t, states, inputs (u…); several trajectories in several"
          + " files or told apart by a trajectory column.")
  List<Path> data;

  @Option(names = "--spec", paramLabel = "SPEC.json", description = "The fit spec.")
  Path specFile;

  @Option(names = "--out", paramLabel = "MODEL.json", description = "Where to write the model file.")
  Path out;

  @Option(
      names = "--inputs",
      split = ",",
      paramLabel = "NAME",
      description = "Input columns, comma-separated (default: the columns whose name starts with u).")
  List<String> inputs;

  @Option(names = "--dt", paramLabel = "S", description = "Sample interval, s (default: the spec's, else the t column).")
  Double dt;

  @Option(names = "--discrete-time", description = "Regress x[k+1] on x[k] instead of dx/dt on x.")
  boolean discreteTime;

  @Option(names = "--degree", paramLabel = "D", description = "Degree of the polynomial library.")
  Integer degree;

  @Option(names = "--no-bias", description = "Leave the constant term out of the polynomial library.")
  boolean noBias;

  @Option(
      names = "--differentiation",
      paramLabel = "KIND",
      description = "finite_difference, smoothed_finite_difference or spectral.")
  String differentiation;

  @Option(names = "--order", paramLabel = "K", description = "Finite-difference order (1-4).")
  Integer order;

  @Option(names = "--optimizer", paramLabel = "KIND", description = "stlsq or sr3.")
  String optimizer;

  @Option(names = "--threshold", paramLabel = "T", description = "STLSQ threshold.")
  Double threshold;

  @Option(names = "--alpha", paramLabel = "A", description = "STLSQ ridge weight (0: plain least squares).")
  Double alpha;

  @Option(names = "--max-iter", paramLabel = "N", description = "Iterations of the optimizer.")
  Integer maxIter;

  @Option(names = "--normalize-columns", description = "Normalise the library columns before thresholding.")
  boolean normalizeColumns;

  @Option(names = "--lambda", paramLabel = "L", description = "SR3 regularisation weight (reg_weight_lam).")
  Double lambda;

  @Option(names = "--nu", paramLabel = "NU", description = "SR3 relaxation (relax_coeff_nu).")
  Double nu;

  @Option(names = "--regularizer", paramLabel = "R", description = "SR3 regulariser: L0 or L1.")
  String regularizer;

  @Option(
      names = "--precision",
      defaultValue = "3",
      paramLabel = "P",
      description = "Decimals of the printed coefficients (default: ${DEFAULT-VALUE}).")
  int precision;

  @Override
  public Integer call() {
    ObjectNode json = specFile == null ? JsonNodeFactory.instance.objectNode() : readSpec(specFile);
    applyFlags(json);
    String source = specFile == null ? "the command line" : specFile + " with the command-line flags";
    SindySpec sindySpec = SindySpec.fromJson(json, source);

    CsvOptions options = DataFiles.options(data, inputs, spec.commandLine().getOut());
    Dataset dataset = TrajectoryCsv.readAll(data, options);
    SindyModel model = sindySpec.toSindy().fit(dataset);

    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    model.fitReport().ifPresent(r -> r.warnings().forEach(w -> err.println("warning: " + w)));
    List<String> eqs = model.equations(precision);
    for (int i = 0; i < eqs.size(); i++) {
      String lhs = "(" + model.stateNames().get(i) + ")" + (model.discreteTime() ? "[k+1]" : "'");
      o.println(lhs + " = " + eqs.get(i));
    }
    err.flush();
    if (out != null) {
      ModelFiles.write(Model.of(model), out);
      o.println("model written to " + out);
    }
    o.flush();
    return 0;
  }

  private static ObjectNode readSpec(Path file) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ModelingException(file + ": no such SINDy spec file", e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ModelingException(file + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"), e);
    } catch (IOException e) {
      throw new ModelingException(file + ": cannot read the SINDy spec: " + e, e);
    }
    if (node == null || !node.isObject()) {
      throw new ModelingException(file + ": a SINDy spec is a JSON object, e.g. {\"library\": {\"type\": \"polynomial\"}}");
    }
    return (ObjectNode) node;
  }

  /** Writes the flags into the spec, so that the spec parser checks them and the model file records them. */
  private void applyFlags(ObjectNode json) {
    if (dt != null) {
      json.put("dt", dt);
    }
    if (discreteTime) {
      json.put("discrete_time", true);
    }
    if (degree != null || noBias) {
      ObjectNode lib = object(json, "library", "polynomial");
      if (!"polynomial".equals(lib.path("type").asText())) {
        throw new CliException("--degree and --no-bias apply to a polynomial library, but the spec's library is "
            + lib.path("type").asText() + "; edit the spec instead");
      }
      if (degree != null) {
        lib.put("degree", degree);
      }
      if (noBias) {
        lib.put("include_bias", false);
      }
    }
    if (differentiation != null) {
      ObjectNode d = JsonNodeFactory.instance.objectNode();
      d.put("type", differentiation);
      json.set("differentiation", d);
    }
    if (order != null) {
      ObjectNode d = object(json, "differentiation", "finite_difference");
      if ("spectral".equals(d.path("type").asText())) {
        throw new CliException("--order applies to finite differences, not to the spectral derivative");
      }
      d.put("order", order);
    }
    if (optimizer != null) {
      ObjectNode prev = json.has("optimizer") && json.get("optimizer").isObject() ? (ObjectNode) json.get("optimizer")
          : null;
      if (prev == null || !optimizer.equals(prev.path("type").asText())) {
        ObjectNode opt = JsonNodeFactory.instance.objectNode();
        opt.put("type", optimizer);
        json.set("optimizer", opt);
      }
    }
    if (threshold != null || alpha != null) {
      ObjectNode opt = object(json, "optimizer", "stlsq");
      requireType(opt, "stlsq", "--threshold and --alpha");
      if (threshold != null) {
        opt.put("threshold", threshold);
      }
      if (alpha != null) {
        opt.put("alpha", alpha);
      }
    }
    if (lambda != null || nu != null || regularizer != null) {
      ObjectNode opt = object(json, "optimizer", "sr3");
      requireType(opt, "sr3", "--lambda, --nu and --regularizer");
      if (lambda != null) {
        opt.put("reg_weight_lam", lambda);
      }
      if (nu != null) {
        opt.put("relax_coeff_nu", nu);
      }
      if (regularizer != null) {
        opt.put("regularizer", regularizer);
      }
    }
    if (maxIter != null) {
      object(json, "optimizer", "stlsq").put("max_iter", maxIter);
    }
    if (normalizeColumns) {
      object(json, "optimizer", "stlsq").put("normalize_columns", true);
    }
  }

  private static void requireType(ObjectNode opt, String type, String flags) {
    if (!type.equals(opt.path("type").asText())) {
      throw new CliException(flags + " apply to the " + type + " optimizer, but the optimizer is "
          + opt.path("type").asText() + "; add --optimizer " + type + " or edit the spec");
    }
  }

  /** The object at {@code key}, created with the given type when absent. */
  private static ObjectNode object(ObjectNode json, String key, String type) {
    JsonNode n = json.get(key);
    if (n == null || n.isNull()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("type", type);
      json.set(key, o);
      return o;
    }
    if (!n.isObject()) {
      throw new ModelingException("the spec's \"" + key + "\" must be a JSON object, got " + n);
    }
    return (ObjectNode) n;
  }
}
