package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.sindy.LibraryTooLargeException;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.SindySpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
    OutputPaths.refuseOverwrite(spec, out, data.toArray(new Path[0]));
    OutputPaths.refuseOverwrite(spec, out, specFile);
    OutputPaths.checkWritable(spec, "--out", out);
    SindySpec.Builder b = specFile == null ? SindySpec.builder().source("the command line")
        : SindySpec.builder(specFile).source(specFile + " with the command-line flags");
    applyFlags(b);
    SindySpec sindySpec = b.build();

    Dataset dataset = DataFiles.read(data, inputs, spec.commandLine().getOut(), spec.commandLine().getErr());
    SindyModel model;
    try {
      model = sindySpec.toSindy().fit(dataset);
    } catch (LibraryTooLargeException e) {
      throw new ParameterException(spec.commandLine(), (degree != null ? "--degree: " : specFile + ": ")
          + e.getMessage());
    }

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

  /** The flags override the spec; the builder checks them, and the model file records them. */
  private void applyFlags(SindySpec.Builder b) {
    if (dt != null) {
      b.dt(dt);
    }
    if (discreteTime) {
      b.discreteTime(true);
    }
    if (degree != null) {
      b.polynomialDegree(degree);
    }
    if (noBias) {
      b.includeBias(false);
    }
    if (differentiation != null) {
      b.differentiation(differentiation);
    }
    if (order != null) {
      b.finiteDifferenceOrder(order);
    }
    if (optimizer != null) {
      b.optimizer(optimizer);
    }
    if (threshold != null) {
      b.threshold(threshold);
    }
    if (alpha != null) {
      b.alpha(alpha);
    }
    if (lambda != null) {
      b.sr3Lambda(lambda);
    }
    if (nu != null) {
      b.sr3Nu(nu);
    }
    if (regularizer != null) {
      b.sr3Regularizer(regularizer);
    }
    if (maxIter != null) {
      b.maxIter(maxIter);
    }
    if (normalizeColumns) {
      b.normalizeColumns(true);
    }
  }
}
