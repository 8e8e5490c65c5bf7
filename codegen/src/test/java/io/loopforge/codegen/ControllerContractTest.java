package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.policy.InputBounds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerContractTest {
  @TempDir Path dir;

  private static ControllerContract.Builder pendulum() {
    return ControllerContract.builder("pend").stateNames("theta", "omega").inputNames("torque").dt(0.02);
  }

  @Test
  void statelessControllerHasOneCall() {
    ControllerContract c = pendulum().build();
    assertEquals("int pend_control(const float *state, const float *reference, float *input_out)",
        c.controlDeclaration());
    assertEquals(Optional.empty(), c.initDeclaration());
    assertEquals(Optional.empty(), c.workspaceType());
    assertEquals(Optional.empty(), c.initFunction());
    assertEquals("pend_control", c.controlFunction());
    assertEquals("PEND", c.macroPrefix());
    assertEquals("pend.h", c.headerFileName());
    assertEquals("pend.contract.json", c.fileName());
    // defaults: a reference per state, no limits, the common error codes
    assertEquals(List.of("theta_ref", "omega_ref"), c.referenceNames());
    assertEquals(InputBounds.unbounded(1), c.inputBounds());
    assertEquals(ControllerContract.COMMON_ERROR_CODES, c.errorCodes());
    assertEquals(2, c.stateDim());
    assertEquals(1, c.inputDim());
    assertEquals(2, c.referenceDim());
  }

  @Test
  void statefulControllerTakesItsWorkspace() {
    ControllerContract c = pendulum().stateful(true).build();
    assertEquals("int pend_control(pend_workspace *ws, const float *state, const float *reference, float *input_out)",
        c.controlDeclaration());
    assertEquals(Optional.of("int pend_init(pend_workspace *ws)"), c.initDeclaration());
    assertEquals(Optional.of("pend_workspace"), c.workspaceType());
    assertEquals(Optional.of("pend_init"), c.initFunction());
  }

  @Test
  void fileRoundTripsWithInfiniteLimitsAsNull() throws IOException {
    ControllerContract c = pendulum().inputNames("torque", "brake").referenceNames()
        .inputBounds(InputBounds.of(new double[] {-2.5, Double.NEGATIVE_INFINITY}, new double[] {2.5, 1e-3}))
        .stateful(true).errorCode("ERR_NOT_CONVERGED", 4, "the solver stopped at its iteration limit").build();
    String json = c.toJson();
    assertTrue(json.contains("\"input_bounds\": {\"lower\": [-2.5, null], \"upper\": [2.5, 0.001]},\n"), json);
    assertTrue(json.contains("\"reference_names\": [],\n"), json);
    assertTrue(json.endsWith("  ]\n}\n"), json);
    Path file = dir.resolve(c.fileName());
    Files.writeString(file, json);
    ControllerContract read = ControllerContract.read(file);
    assertEquals(c, read);
    assertEquals(json, read.toJson());
    assertEquals("ERR_NOT_CONVERGED", read.errorCodes().get(4).name());
  }

  @Test
  void aMinimalFileHasDefaults() {
    ControllerContract c = ControllerContract.parse("{\"format\": \"loopforge-controller/1\", \"prefix\": \"gain\","
        + " \"state_names\": [\"x\"], \"input_names\": [\"u\"], \"reference_names\": [\"x_ref\"], \"dt\": 0.01,"
        + " \"stateful\": false}", "gain.contract.json");
    assertEquals(InputBounds.unbounded(1), c.inputBounds());
    assertEquals(ControllerContract.COMMON_ERROR_CODES, c.errorCodes());
    assertFalse(c.stateful());
  }

  @Test
  void badFilesAreReportedWithFileAndKey() {
    String good = pendulum().build().toJson();
    assertEquals("controller contract c.json: missing key 'dt'", parseError(good.replace("  \"dt\": 0.02,\n", "")));
    assertEquals("controller contract c.json: key 'dt' must be a positive number of seconds, got -0.02",
        parseError(good.replace("0.02", "-0.02")));
    assertEquals("controller contract c.json: key 'dt' must be a number (the sample interval, s)",
        parseError(good.replace("0.02", "\"fast\"")));
    assertEquals("controller contract c.json: key 'format' is 'loopforge-controller/9', expected"
        + " 'loopforge-controller/1'", parseError(good.replace("controller/1", "controller/9")));
    assertEquals("controller contract c.json: unknown key 'statefull'; the keys are format, prefix, state_names,"
        + " input_names, reference_names, dt, input_bounds, stateful, error_codes, status_function, status_codes",
        parseError(good.replace("\"stateful\"", "\"statefull\"")));
    assertEquals("controller contract c.json: key 'state_names[1]' must be a string",
        parseError(good.replace("\"omega\"", "3")));
    assertEquals("controller contract c.json: key 'state_names': the name 'theta' appears twice",
        parseError(good.replace("\"omega\"", "\"theta\"")));
    assertEquals("controller contract c.json: no input names (key 'input_names'): at least one input is required",
        parseError(good.replace("[\"torque\"]", "[]")));
    assertEquals("controller contract c.json: key 'input_bounds' has limits for 2 inputs, expected 1 (one per input"
        + " name)", parseError(good.replace("[null], \"upper\": [null]", "[null, 0], \"upper\": [null, 1]")));
    assertEquals("controller contract c.json: key 'input_bounds': input 0: lower limit 3.0 is above the upper limit"
        + " 1.0", parseError(good.replace("[null], \"upper\": [null]", "[3], \"upper\": [1]")));
    assertEquals("controller contract c.json: key 'input_bounds.upper[0]' must be a number or null (no limit)",
        parseError(good.replace("\"upper\": [null]", "\"upper\": [\"inf\"]")));
    assertEquals("controller contract c.json: key 'stateful' must be true or false",
        parseError(good.replace("\"stateful\": false", "\"stateful\": \"no\"")));
    assertEquals("controller contract c.json: key 'prefix': prefix '2pend' is not usable as a C symbol prefix: use a"
        + " letter, then letters, digits or underscores (at most 41 characters), e.g. 'pendulum_lqr'",
        parseError(good.replace("\"pend\"", "\"2pend\"")));
    assertEquals("controller contract c.json: key 'error_codes[1]' must be ERR_NULL = 1 (the codes of lf_common.h"
        + " come first: OK 0, ERR_NULL 1, ERR_NONFINITE_INPUT 2, ERR_NONFINITE_OUTPUT 3)",
        parseError(good.replace("\"value\": 1,", "\"value\": 7,")));
    assertEquals("controller contract c.json: key 'error_codes[4]': error code ERR_MINE = 2 clashes with"
        + " ERR_NONFINITE_INPUT = 2", parseError(good.replace("written\"}\n", "written\"},\n"
            + "{\"name\": \"ERR_MINE\", \"value\": 2, \"meaning\": \"mine\"}\n")));
    assertTrue(parseError("{\"format\": ").startsWith("controller contract c.json is not valid JSON: "));
    assertEquals("controller contract c.json: the top level must be a JSON object", parseError("[]"));
  }

  @Test
  void solverStatusRoundTripsAndIsOptional() throws IOException {
    ControllerContract c = pendulum().stateful(true).statusFunction("pend_status")
        .statusCode("CONVERGED", 0, "the plan settled").statusCode("ITERATION_LIMIT", 1, "the budget was used up")
        .build();
    assertEquals(Optional.of("pend_status"), c.statusFunction());
    assertEquals(Optional.of("int pend_status(pend_workspace *ws)"), c.statusDeclaration());
    assertEquals(List.of(new ControllerContract.StatusCode("CONVERGED", 0, "the plan settled"),
        new ControllerContract.StatusCode("ITERATION_LIMIT", 1, "the budget was used up")), c.statusCodes());
    assertEquals("ITERATION_LIMIT", c.statusCode(1).orElseThrow().name());
    assertEquals(Optional.empty(), c.statusCode(2));
    String json = c.toJson();
    assertTrue(json.endsWith("  ],\n"
        + "  \"status_function\": \"pend_status\",\n"
        + "  \"status_codes\": [\n"
        + "    {\"name\": \"CONVERGED\", \"value\": 0, \"meaning\": \"the plan settled\"},\n"
        + "    {\"name\": \"ITERATION_LIMIT\", \"value\": 1, \"meaning\": \"the budget was used up\"}\n"
        + "  ]\n}\n"), json);
    Path file = dir.resolve(c.fileName());
    Files.writeString(file, json);
    ControllerContract read = ControllerContract.read(file);
    assertEquals(c, read);
    assertEquals(c.hashCode(), read.hashCode());
    assertEquals(json, read.toJson());
    // without the keys: no status, and a different contract
    ControllerContract none = pendulum().stateful(true).build();
    assertEquals(Optional.empty(), none.statusFunction());
    assertEquals(List.of(), none.statusCodes());
    assertFalse(none.toJson().contains("status"));
    assertFalse(c.equals(none));
  }

  @Test
  void badSolverStatusIsReportedWithItsKey() {
    String good = pendulum().stateful(true).statusFunction("pend_status").statusCode("CONVERGED", 0, "settled")
        .build().toJson();
    assertEquals("controller contract c.json: key 'status_codes[0]': status CONVERGED = 65536 is outside 0..65535"
        + " (HIL firmware reports it in 16 bits)", parseError(good.replace("\"value\": 0, \"meaning\": \"settled",
            "\"value\": 65536, \"meaning\": \"settled")));
    assertEquals("controller contract c.json: key 'status_codes[0]': status CONVERGED = -1 is outside 0..65535"
        + " (HIL firmware reports it in 16 bits)", parseError(good.replace("\"value\": 0, \"meaning\": \"settled",
            "\"value\": -1, \"meaning\": \"settled")));
    assertEquals("controller contract c.json: key 'status_codes[0]' must be {\"name\": string, \"value\": integer,"
        + " \"meaning\": string}", parseError(good.replace("\"value\": 0, \"meaning\": \"settled",
            "\"value\": 0.5, \"meaning\": \"settled")));
    assertEquals("controller contract c.json: key 'status_codes[1]': status AGAIN = 0 clashes with CONVERGED = 0",
        parseError(good.replace("\"settled\"}\n",
            "\"settled\"},\n{\"name\": \"AGAIN\", \"value\": 0, \"meaning\": \"x\"}\n")));
    assertEquals("controller contract c.json: key 'status_function': status function 'pend status' is not a C"
        + " identifier", parseError(good.replace("\"pend_status\"", "\"pend status\"")));
    assertEquals("controller contract c.json: key 'status_function' must be a string (the C function that returns"
        + " the solver status)", parseError(good.replace("\"pend_status\"", "7")));
    assertEquals("controller contract c.json: keys 'status_function' and 'status_codes' come together:"
        + " 'status_function' without 'status_codes'",
        parseError(good.substring(0, good.indexOf(",\n  \"status_codes\"")) + "\n}\n"));
    assertEquals("controller contract c.json: status function pend_status needs a stateful controller (key"
        + " 'stateful': true): it reads the status from the workspace",
        parseError(good.replace("\"stateful\": true", "\"stateful\": false")));
    assertEquals("controller contract c.json: key 'status_codes' must be an array of {\"name\", \"value\","
        + " \"meaning\"}", parseError(good.substring(0, good.indexOf("[\n    {\"name\": \"CONVERGED"))
            + "{}\n}\n"));
  }

  @Test
  void builderRefusesWhatCCannotName() {
    CodegenException e = assertThrows(CodegenException.class, () -> ControllerContract.builder("lf_ctl"));
    assertTrue(e.getMessage().startsWith("prefix 'lf_ctl' is reserved"), e.getMessage());
    e = assertThrows(CodegenException.class, () -> pendulum().dt(0).build());
    assertEquals("controller pend: key 'dt' must be a positive number of seconds, got 0.0", e.getMessage());
    e = assertThrows(CodegenException.class, () -> pendulum().errorCode("err_lower", 9, "x"));
    assertTrue(e.getMessage().startsWith("error code name 'err_lower' must be upper case"), e.getMessage());
    e = assertThrows(CodegenException.class, () -> pendulum().errorCode("ERR_WIDE", 70000, "x"));
    assertEquals("error code ERR_WIDE = 70000 is outside 0..65535 (HIL firmware reports it in 16 bits)",
        e.getMessage());
    e = assertThrows(CodegenException.class, () -> pendulum().stateful(true).statusFunction("pend_status").build());
    assertEquals("controller pend: status function pend_status without status codes (key 'status_codes')",
        e.getMessage());
  }

  private static String parseError(String json) {
    return assertThrows(CodegenException.class, () -> ControllerContract.parse(json, "c.json")).getMessage();
  }
}
