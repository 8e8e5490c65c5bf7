package io.loopforge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The versions of Loopforge and of the solvers and tools a run used, for a report's header. */
final class Versions {
  private Versions() {}

  /** Loopforge, ojAlgo, the ARM compiler and QEMU, each "unknown" when it cannot be read. */
  static Map<String, String> all() {
    Map<String, String> m = new LinkedHashMap<>();
    String v = Loopforge.class.getPackage().getImplementationVersion();
    m.put("Loopforge", v == null ? "development build" : v);
    m.put("ojAlgo", maven("org.ojalgo", "ojalgo"));
    m.put("arm-none-eabi-gcc", firstLine("arm-none-eabi-gcc", "--version"));
    m.put("QEMU", firstLine("qemu-system-arm", "--version"));
    return m;
  }

  /** The version in a dependency's {@code META-INF/maven/…/pom.properties} on the class path. */
  static String maven(String group, String artifact) {
    try (InputStream in = Versions.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact
        + "/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The first line a program prints for {@code args}, or "not found". */
  static String firstLine(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String text;
      try (InputStream in = p.getInputStream()) {
        text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unknown";
      }
      String line = text.lines().findFirst().orElse("").trim();
      return line.isEmpty() ? "unknown" : line;
    } catch (IOException e) {
      return "not found";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
