package io.loopforge.mpc;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.ojalgo.optimisation.ExpressionsBasedModel;

/**
 * A mixed-integer linear program as ojAlgo holds it, with the constant of its objective (which an
 * {@link ExpressionsBasedModel} cannot carry: its objective is a weighted sum of variables and
 * expressions): minimise {@code objective(model) + objectiveConstant}. What {@link MilpSolver} solves,
 * {@link MpsWriter} writes and {@link CbcRunner} re-solves from the written file.
 *
 * <p>The model is ojAlgo's mutable object: do not change it after wrapping it (variable values are the
 * exception: they are a warm start, see {@link MilpSolver}).
 */
public final class MilpInstance {
  private final ExpressionsBasedModel model;
  private final double objectiveConstant;
  private final String name;

  private MilpInstance(ExpressionsBasedModel model, double objectiveConstant, String name) {
    this.model = Objects.requireNonNull(model, "model");
    if (!Double.isFinite(objectiveConstant)) {
      throw new IllegalArgumentException("the objective constant must be finite, got " + objectiveConstant);
    }
    this.objectiveConstant = objectiveConstant;
    this.name = MpsWriter.checkName(name, "instance name");
  }

  /**
   * An instance: minimise {@code model}'s objective plus {@code objectiveConstant}.
   *
   * @param name a name without whitespace (the MPS {@code NAME})
   */
  public static MilpInstance of(ExpressionsBasedModel model, double objectiveConstant, String name) {
    return new MilpInstance(model, objectiveConstant, name);
  }

  public ExpressionsBasedModel model() {
    return model;
  }

  public double objectiveConstant() {
    return objectiveConstant;
  }

  public String name() {
    return name;
  }

  public int variables() {
    return model.countVariables();
  }

  /** Expressions that are constraints (rows of the MPS file). */
  public int constraints() {
    return (int) model.constraints().count();
  }

  /** Integer variables (here: binaries). */
  public int integers() {
    return model.getIntegerVariables().size();
  }

  /** Writes the instance as MPS ({@link MpsWriter}). */
  public void writeMps(Writer out) throws IOException {
    MpsWriter.write(this, out);
  }

  /** Writes the instance as an MPS file. */
  public void writeMps(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      writeMps(w);
    }
  }

  @Override
  public String toString() {
    return "MilpInstance[" + name + ": " + variables() + " variables (" + integers() + " integer), " + constraints()
        + " constraints]";
  }
}
