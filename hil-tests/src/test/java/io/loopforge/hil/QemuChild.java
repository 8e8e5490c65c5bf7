package io.loopforge.hil;

import io.loopforge.targets.Target;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that runs one HIL session and waits in it: started by {@link QemuDiesWithItsJvmTest}, which kills it
 * with SIGKILL. Arguments: the firmware ELF and the transport; prints {@code qemu <pid>} once QEMU is up, then waits in the step where the
 * firmware hangs.
 */
final class QemuChild {
  private QemuChild() {}

  public static void main(String[] args) {
    Transport transport = Transport.parse(args[1]);
    QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, Path.of(args[0])).transport(transport)
        .stepTimeout(Duration.ofMinutes(5)).start();
    System.out.println("qemu " + qemu.pid());
    System.out.flush();
    // the test firmware answers two steps, then hangs in its controller: this waits for the watchdog, minutes away
    for (int k = 0; k < 3; k++) {
      qemu.step(k, new float[qemu.hello().nx()], new float[qemu.hello().nr()]);
    }
  }
}
