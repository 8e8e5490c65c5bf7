package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The firmware's protocol header (targets module resource) and this host agree on every constant. */
class ProtocolConstantsTest {
  @Test
  void firmwareHeaderMatchesTheHost() throws IOException {
    String header;
    try (InputStream in = ProtocolConstantsTest.class.getResourceAsStream("/io/loopforge/targets/hil/lf_frame.h")) {
      header = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, Integer> c = new HashMap<>();
    Matcher m = Pattern.compile("#define (LF_\\w+) (0x[0-9A-F]+|\\d+)u").matcher(header);
    while (m.find()) {
      c.put(m.group(1), Integer.decode(m.group(2)));
    }
    assertEquals(Frame.PROTOCOL_VERSION, c.get("LF_PROTOCOL_VERSION"));
    assertEquals(Frame.SYNC, c.get("LF_FRAME_SYNC"));
    assertEquals(Frame.MAX_PAYLOAD, c.get("LF_FRAME_MAX_PAYLOAD"));
    for (Frame.Type t : Frame.Type.values()) {
      assertEquals(t.code(), c.get("LF_FRAME_" + t.name()), t.name());
    }
    for (Frame.Rejection r : Frame.Rejection.values()) {
      assertEquals(r.code(), c.get("LF_ERR_" + r.name()), r.name());
    }
    assertEquals(StepResult.SOLVER_STATUS_SHIFT, c.get("LF_STATUS_SOLVER_SHIFT"));
    for (Transport t : Transport.values()) {
      assertEquals(t.code(), c.get("LF_TRANSPORT_" + t.name()), t.name());
    }
  }
}
