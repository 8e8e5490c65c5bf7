package io.loopforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.mpc.MilpInstance;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MipReport;
import io.loopforge.mpc.RecedingHorizonController;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code mpc --export-mps DIR}: after every step, the mixed-integer program the planner solved as
 * {@code DIR/step-NNNN.mps} and what ojAlgo made of it as {@code DIR/step-NNNN.json} (status, objective,
 * solve time, binaries), so that anyone can re-solve the instance with another MILP solver.
 */
final class MpsExport implements Consumer<RecedingHorizonController.Step> {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final MipPlanner planner;

  MpsExport(Path dir, MipPlanner planner) {
    this.dir = dir;
    this.planner = planner;
  }

  @Override
  public void accept(RecedingHorizonController.Step step) {
    MilpInstance instance = planner.lastInstance();
    MipReport report = planner.lastReport();
    if (instance == null || report == null) {
      return; // no program was built (e.g. a request refused before the encoding)
    }
    String stem = String.format(Locale.ROOT, "step-%04d", step.index());
    try {
      AtomicFile.write(dir.resolve(stem + ".mps"), out -> {
        Writer w = new OutputStreamWriter(out, StandardCharsets.US_ASCII);
        instance.writeMps(w);
        w.flush();
      });
      ObjectNode o = MAPPER.createObjectNode();
      o.put("step", step.index());
      o.put("mps", stem + ".mps");
      o.put("solver", "ojAlgo");
      o.put("status", report.solverState());
      o.put("plan_status", report.status().name());
      if (Double.isFinite(report.solverObjective())) {
        o.put("objective", report.solverObjective());
      } else {
        o.putNull("objective");
      }
      o.put("solve_ms", report.solveMillis());
      o.put("total_ms", report.millis());
      o.put("variables", report.variables());
      o.put("constraints", report.constraints());
      o.put("binaries", report.binaries());
      o.put("objective_constant", instance.objectiveConstant());
      AtomicFile.writeString(dir.resolve(stem + ".json"), MAPPER.writeValueAsString(o) + "\n");
    } catch (IOException e) {
      throw new CliException("cannot write " + dir.resolve(stem) + ".mps or .json: " + OutputPaths.reason(e), e);
    }
  }
}
