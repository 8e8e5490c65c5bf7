package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.cli.LoopforgeTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command that writes a file refuses an output that is one of its inputs, before any work. */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class OutputPathsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {
      "identify sindy --data IN --out IN",
      "identify sindy --data other.csv --spec IN --out ./IN",
      "identify mlp --data IN --out IN",
      "sparsify --model IN --data other.csv --relu-budget 1 --out IN",
      "sparsify --model other.json --data IN --relu-budget 1 --out sub/../IN",
      "firmware --controller IN --out IN",
      "hil --firmware IN --plant pendulum --out IN",
      "hil --firmware IN --plant pendulum --out h.json --plot IN",
      "hil --firmware other.elf --plant pendulum --twin IN --out IN",
      "simulate --plant pendulum --steps 5 --dt 0.1 --out IN --plot IN",
      "simulate --model other.json --data IN --out IN",
      "loop --plant pendulum --controller IN --steps 5 --out IN",
      "design lqr --model IN --out IN"})
  void anOutputThatIsAnInputIsRefusedAndTheInputKept(String line) throws IOException {
    Path in = dir.resolve("in.dat");
    Files.writeString(in, "a user's file\n");
    Files.createDirectories(dir.resolve("sub"));
    for (String other : List.of("other.csv", "other.json", "other.elf")) {
      Files.writeString(dir.resolve(other), "x");
    }
    List<String> args = new ArrayList<>();
    for (String a : line.split(" ")) {
      String p = a.replace("IN", in.getFileName().toString());
      args.add(p.contains(".") && !p.startsWith("-") && !p.matches("[0-9.]+") ? dir.resolve(p).toString() : p);
    }
    Run r = run(args.toArray(new String[0]));
    assertEquals(2, r.code(), line + ": " + r.err());
    assertTrue(r.err().contains("is the same file as"), line + ": " + r.err());
    assertEquals("a user's file\n", Files.readString(in), line);
  }
}
