package io.loopforge.targets;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.Language;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-written test controllers under src/test/resources/io/loopforge/targets/controllers, and ones written here. */
final class TestControllers {
  private TestControllers() {}

  static Path dir(String name) {
    try {
      return Path.of(TestControllers.class.getResource("/io/loopforge/targets/controllers/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A stateful controller {@code counter} in {@code dir}: its workspace counts the steps since init, and
   * it answers u = [steps, x0].
   */
  static Path counter(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("counter.h"), "#ifndef COUNTER_H\n#define COUNTER_H\n\n"
        + "#define COUNTER_NX 2\n#define COUNTER_NU 2\n#define COUNTER_NR 0\n\n"
        + "typedef struct {\n  unsigned int steps;\n} counter_workspace;\n\n"
        + "int counter_init(counter_workspace *ws);\n"
        + "int counter_control(counter_workspace *ws, const float *state, const float *reference, float *input_out);\n"
        + "\n#endif\n");
    Files.writeString(dir.resolve("counter.c"), "#include \"counter.h\"\n\n"
        + "int counter_init(counter_workspace *ws)\n{\n  ws->steps = 0u;\n  return 0;\n}\n\n"
        + "int counter_control(counter_workspace *ws, const float *state, const float *reference, float *input_out)\n"
        + "{\n  (void)reference;\n  ws->steps++;\n  input_out[0] = (float)ws->steps;\n  input_out[1] = state[0];\n"
        + "  return 0;\n}\n");
    Files.writeString(dir.resolve("counter.contract.json"), "{\n  \"format\": \"loopforge-controller/1\",\n"
        + "  \"prefix\": \"counter\",\n  \"state_names\": [\"x0\", \"x1\"],\n  \"input_names\": [\"steps\", \"x0_seen\"],\n"
        + "  \"reference_names\": [],\n  \"dt\": 0.01,\n  \"stateful\": true\n}\n");
    return dir;
  }

  /**
   * Two units generated with different prefixes, {@code lqr} (an affine policy) and {@code plant} (a ReLU
   * network model of the same two states and one input), and a hand-written stateful controller
   * {@code predictor} that calls both: it steps the plant model from the state with the input it gave last
   * time (kept in its workspace) and feeds the predicted state to the LQR.
   */
  static Path predictor(Path dir) throws IOException {
    CodeGenerator.generate(ModelFiles.parse("{\"format\": \"loopforge-model/1\", \"type\": \"policy\","
        + " \"policy\": \"affine\", \"state_names\": [\"p\", \"v\"], \"input_names\": [\"f\"], \"dt\": 0.05,"
        + " \"gain\": [[3, 0.5]], \"input_bounds\": {\"lower\": [-2], \"upper\": [2]}}", "lqr.json", "lqr.json"),
        CodegenOptions.builder("lqr").languages(Language.C).build()).writeTo(dir, null);
    CodeGenerator.generate(ModelFiles.parse("{\"format\": \"loopforge-model/1\", \"type\": \"relu-network\","
        + " \"state_names\": [\"p\", \"v\"], \"input_names\": [\"f\"], \"dt\": 0.05, \"discrete_time\": true,"
        + " \"residual\": true, \"layout\": \"mlp\", \"layers\": ["
        + "{\"inputs\": 3, \"outputs\": 2, \"weights\": [0.5, 1, 0, -1, 0.25, 0.5], \"biases\": [0, 0.1],"
        + " \"kinds\": [\"relu\", \"relu\"]},"
        + "{\"inputs\": 2, \"outputs\": 2, \"weights\": [0.05, 0, 0, 0.05], \"biases\": [0, 0]}]}",
        "plant.json", "plant.json"), CodegenOptions.builder("plant").languages(Language.C).build()).writeTo(dir, null);
    Files.writeString(dir.resolve("predictor.h"), "#ifndef PREDICTOR_H\n#define PREDICTOR_H\n\n"
        + "#include \"lqr.h\"\n#include \"plant.h\"\n\n"
        + "#define PREDICTOR_NX LQR_NX\n#define PREDICTOR_NU LQR_NU\n#define PREDICTOR_NR LQR_NR\n\n"
        + "typedef struct {\n  float u_last[LQR_NU];\n} predictor_workspace;\n\n"
        + "int predictor_init(predictor_workspace *ws);\n"
        + "int predictor_control(predictor_workspace *ws, const float *state, const float *reference,"
        + " float *input_out);\n\n#endif\n");
    Files.writeString(dir.resolve("predictor.c"), "#include \"predictor.h\"\n\n"
        + "int predictor_init(predictor_workspace *ws)\n{\n"
        + "  for (int i = 0; i < LQR_NU; i++) {\n    ws->u_last[i] = 0.0f;\n  }\n  return LF_OK;\n}\n\n"
        + "int predictor_control(predictor_workspace *ws, const float *state, const float *reference,"
        + " float *input_out)\n{\n"
        + "  float next[PLANT_NX];\n"
        + "  int rc = plant_step(state, ws->u_last, next);\n"
        + "  if (rc != PLANT_OK) {\n    return rc;\n  }\n"
        + "  rc = lqr_control(next, reference, input_out);\n"
        + "  if (rc != LQR_OK) {\n    return rc;\n  }\n"
        + "  for (int i = 0; i < LQR_NU; i++) {\n    ws->u_last[i] = input_out[i];\n  }\n"
        + "  return LF_OK;\n}\n");
    Files.writeString(dir.resolve("predictor.contract.json"), "{\n  \"format\": \"loopforge-controller/1\",\n"
        + "  \"prefix\": \"predictor\",\n  \"state_names\": [\"p\", \"v\"],\n  \"input_names\": [\"f\"],\n"
        + "  \"reference_names\": [\"p_ref\", \"v_ref\"],\n  \"dt\": 0.05,\n"
        + "  \"input_bounds\": {\"lower\": [-2], \"upper\": [2]},\n  \"stateful\": true\n}\n");
    return dir;
  }
}
