package io.loopforge.hil;

import io.loopforge.modeling.io.FileErrors;
import io.loopforge.targets.ArmToolchain;
import io.loopforge.targets.Target;
import io.loopforge.targets.TargetException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QEMU process running HIL firmware, and the host end of the lock-step protocol.
 *
 * <p>QEMU runs as {@code qemu-system-arm -M <machine> -display none -monitor none
 * -semihosting-config enable=on,target=native -icount shift=0 -kernel <elf>} plus, for {@link
 * Transport#SEMIHOSTING}, {@code -serial null} (frames on QEMU's stdin/stdout) or, for {@link
 * Transport#UART}, a unix-socket chardev on serial0 and {@code -append transport=uart}. Never
 * {@code -nographic} (it puts the monitor on stdio and eats 0x01 bytes).
 *
 * <p>Every wait for the firmware is guarded by a watchdog: when no frame arrives within the step
 * timeout (the boot timeout for the HELLO frame), QEMU is killed with SIGKILL and a {@link
 * HilException} of kind {@link HilException.Kind#WATCHDOG} is thrown. QEMU exits 0 on SIGTERM, so
 * its exit status proves nothing by itself: success is the firmware's BYE frame followed by exit code
 * 0 ({@link #stop()}). {@link #close()} always kills QEMU; a JVM shutdown hook kills any instance left, and
 * QEMU runs under {@code setpriv --pdeathsig KILL} (util-linux), so the kernel kills it when the JVM dies
 * without running its hooks (SIGKILL). The UART's socket folder is removed as soon as QEMU is connected.
 * Not thread-safe: one thread drives a runner.
 *
 * <pre>{@code
 * try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, elf).start()) {
 *   StepResult r = qemu.step(0, x, ref);
 *   qemu.stop();
 * }
 * }</pre>
 */
public final class QemuRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QemuRunner.class);

  /** What to tell people when QEMU is missing. */
  public static final String INSTALL_HINT = "install it with: sudo apt-get install qemu-system-arm";

  public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(10);

  private static final int STDERR_LIMIT = 64 * 1024;
  private static final String SOCKET_DIR_PREFIX = "lf-qemu-";
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "qemu-reaper"));
  }

  private final Target target;
  private final Path firmware;
  private final Transport transport;
  private final Duration stepTimeout;
  private final List<String> command;
  private final Process process;
  private final Thread stderrPump;
  private final StringBuilder stderr = new StringBuilder();
  private final Thread watchdog;
  private final Path socketDir;
  private SocketChannel channel;
  private InputStream in;
  private OutputStream out;

  private final byte[] rx = new byte[Frame.MAX_PAYLOAD + Frame.OVERHEAD];
  private final byte[] tx = new byte[Frame.MAX_PAYLOAD + Frame.OVERHEAD];
  private final ByteBuffer rxView = ByteBuffer.wrap(rx).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer txView = ByteBuffer.wrap(tx).order(ByteOrder.LITTLE_ENDIAN);

  private volatile long deadline; // System.nanoTime() limit of the current wait, 0 when not waiting
  private volatile boolean watchdogFired;
  private volatile boolean closed;
  private long waitNanos;
  private String waitingFor = "";
  private Hello hello;
  private Duration bootTime;
  private boolean stopped;

  /**
   * The thread that starts every QEMU. QEMU runs under {@code setpriv --pdeathsig KILL}, and Linux sends the
   * parent-death signal when the <em>thread</em> that forked the process ends, not only the process: so
   * QEMU is started from this one thread, which lives as long as the JVM. When the JVM dies, even by SIGKILL
   * (where no shutdown hook runs), the kernel kills QEMU.
   */
  private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "qemu-launcher");
    t.setDaemon(true);
    return t;
  });

  private QemuRunner(Builder b, Path qemu, Path setpriv) {
    this.target = b.target;
    this.firmware = b.firmware;
    this.transport = b.transport;
    this.stepTimeout = b.stepTimeout;
    List<String> cmd = new ArrayList<>(List.of(qemu.toString(),
        "-M", target.qemuMachine().orElseThrow(),
        "-display", "none",
        "-monitor", "none",
        "-semihosting-config", "enable=on,target=native",
        "-icount", "shift=0"));
    Path socket = null;
    try {
      if (transport == Transport.UART) {
        Path base = socketBase();
        deleteStaleSocketDirs(base);
        socketDir = Files.createTempDirectory(base, SOCKET_DIR_PREFIX + ProcessHandle.current().pid() + "-");
        socket = socketDir.resolve("uart.sock");
        cmd.addAll(List.of("-chardev", "socket,id=lfuart,path=" + socket + ",server=on,wait=on",
            "-serial", "chardev:lfuart"));
      } else {
        socketDir = null;
        cmd.addAll(List.of("-serial", "null"));
      }
    } catch (IOException e) {
      throw new HilException(HilException.Kind.SETUP, "cannot create a folder for the UART socket: " + FileErrors.reason(e), e);
    }
    cmd.addAll(List.of("-kernel", firmware.toString()));
    if (transport == Transport.UART) {
      cmd.addAll(List.of("-append", "transport=uart"));
    }
    cmd.addAll(b.extraArgs);
    this.command = List.copyOf(cmd);

    List<String> launched = new ArrayList<>(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
    launched.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(launched);
    if (transport == Transport.UART) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    long t0 = System.nanoTime();
    try {
      process = LAUNCHER.submit(pb::start).get();
    } catch (ExecutionException e) {
      deleteSocketDir();
      Throwable cause = e.getCause();
      throw new HilException(HilException.Kind.SETUP, "cannot start " + qemu + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteSocketDir();
      throw new HilException(HilException.Kind.SETUP, "interrupted while starting " + qemu, e);
    }
    LIVE.add(process);
    LOG.debug("started QEMU pid {}: {}", process.pid(), String.join(" ", command));
    stderrPump = new Thread(this::pumpStderr, "qemu-stderr-" + process.pid());
    stderrPump.setDaemon(true);
    stderrPump.start();
    watchdog = new Thread(this::watch, "qemu-watchdog-" + process.pid());
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      arm(b.bootTimeout, "the HELLO frame at boot");
      if (transport == Transport.UART) {
        connect(socket);
        // Connected: the socket's name is no longer needed, and a JVM killed from now on leaves no folder.
        deleteSocketDir();
        in = new BufferedInputStream(Channels.newInputStream(channel), 4096);
        out = Channels.newOutputStream(channel);
      } else {
        in = process.getInputStream();
        out = process.getOutputStream();
      }
      Frame h = receiveArmed();
      if (h.type() != Frame.Type.HELLO) {
        throw new HilException(HilException.Kind.PROTOCOL, "expected a HELLO frame at boot, got " + h);
      }
      hello = Hello.decode(rx, 3, h.payloadUnsafe().length);
      bootTime = Duration.ofNanos(System.nanoTime() - t0);
      LOG.debug("firmware up after {} ms: {}", bootTime.toMillis(), hello);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** A runner for {@code firmware} (an ELF built for {@code target}); configure, then {@link Builder#start()}. */
  public static Builder builder(Target target, Path firmware) {
    return new Builder(target, firmware);
  }

  /** The qemu-system-arm on {@code PATH}; a {@link HilException} with the install hint otherwise. */
  public static Path locateQemu() {
    return onPath("qemu-system-arm").orElseThrow(() -> new HilException(HilException.Kind.SETUP,
        "qemu-system-arm not found on PATH; " + INSTALL_HINT));
  }

  /**
   * util-linux's setpriv on {@code PATH}, which starts QEMU with a parent-death signal; a {@link HilException}
   * saying why it is needed otherwise.
   */
  static Path locateSetpriv() {
    return onPath("setpriv").orElseThrow(() -> new HilException(HilException.Kind.SETUP, "setpriv not found on"
        + " PATH: Loopforge starts QEMU with setpriv --pdeathsig KILL so that QEMU dies with the JVM, even when the"
        + " JVM is killed; install util-linux (sudo apt-get install util-linux)"));
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Where the UART socket's folder goes: {@code java.io.tmpdir}, unless a socket path there would pass the
   * 107 bytes a unix socket address holds; then {@code /tmp}.
   */
  private static Path socketBase() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    // <tmp>/lf-qemu-<pid>-<up to 20 digits>/uart.sock
    int length = tmp.toString().getBytes(StandardCharsets.UTF_8).length + 1 + SOCKET_DIR_PREFIX.length() + 8 + 1
        + 20 + "/uart.sock".length();
    Path fallback = Path.of("/tmp");
    return length < 100 || !Files.isDirectory(fallback) ? tmp : fallback;
  }

  /**
   * Removes the UART socket folders of JVMs that died before their QEMU connected ({@code lf-qemu-<pid>-…}
   * whose process is gone); a live JVM's folders are left alone.
   */
  private static void deleteStaleSocketDirs(Path tmp) {
    try (var entries = Files.newDirectoryStream(tmp, SOCKET_DIR_PREFIX + "*")) {
      for (Path dir : entries) {
        String rest = dir.getFileName().toString().substring(SOCKET_DIR_PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash < 1 || !rest.substring(0, dash).chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(rest.substring(0, dash));
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        Files.deleteIfExists(dir.resolve("uart.sock"));
        Files.deleteIfExists(dir);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("sweeping stale UART socket folders: {}", e.toString());
    }
  }

  private void connect(Path socket) {
    while (true) {
      if (Files.exists(socket)) {
        try {
          SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
          try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            channel = ch;
            return;
          } catch (IOException e) {
            ch.close();
          }
        } catch (IOException e) {
          throw new HilException(HilException.Kind.SETUP, "cannot open a unix socket: " + e.getMessage(), e);
        }
      }
      if (!process.isAlive() || watchdogFired) {
        throw diagnoseEnd(null);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  public Target target() {
    return target;
  }

  public Path firmware() {
    return firmware;
  }

  public Transport transport() {
    return transport;
  }

  /** The QEMU command line. */
  public List<String> command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The firmware's HELLO frame. */
  public Hello hello() {
    return hello;
  }

  /** From starting QEMU to the HELLO frame. */
  public Duration bootTime() {
    return bootTime;
  }

  /** What QEMU wrote on stderr so far (the fault handler's line, QEMU's own errors). */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /**
   * One lock-step exchange: sends STEP(step, x, r), waits for the RESULT.
   *
   * @throws HilException WATCHDOG if no answer within the step timeout, HARD_FAULT if the firmware
   *     faulted, PROTOCOL if it rejected the frame or answered out of order
   */
  public StepResult step(int step, float[] x, float[] r) {
    checkDims(x, r);
    int len = 5 + 4 * (x.length + r.length);
    txView.position(3);
    txView.put((byte) Frame.Type.STEP.code()).putInt(step);
    for (float v : x) {
      txView.putFloat(v);
    }
    for (float v : r) {
      txView.putFloat(v);
    }
    Frame.seal(tx, len);
    write(tx, 0, len + Frame.OVERHEAD);
    arm(stepTimeout, "step " + step);
    int n = receiveInto();
    int type = rx[3] & 0xFF;
    if (type == Frame.Type.ERROR.code()) {
      Frame e = Frame.of(java.util.Arrays.copyOfRange(rx, 3, 3 + n));
      throw new HilException(HilException.Kind.PROTOCOL,
          "firmware rejected the STEP frame of step " + step + ": " + e.describeRejection());
    }
    if (type != Frame.Type.RESULT.code() || n != 13 + 4 * hello.nu()) {
      throw new HilException(HilException.Kind.PROTOCOL, String.format(Locale.ROOT,
          "expected a RESULT frame of %d bytes for step %d, got type 0x%02x with %d bytes",
          13 + 4 * hello.nu(), step, type, n));
    }
    rxView.position(4);
    int echoed = rxView.getInt();
    int status = rxView.getInt();
    long instructions = Integer.toUnsignedLong(rxView.getInt());
    float[] u = new float[hello.nu()];
    for (int i = 0; i < u.length; i++) {
      u[i] = rxView.getFloat();
    }
    if (echoed != step) {
      throw new HilException(HilException.Kind.PROTOCOL,
          "RESULT for step " + Integer.toUnsignedString(echoed) + " while waiting for step " + step);
    }
    return new StepResult(step, status, instructions, u);
  }

  private void checkDims(float[] x, float[] r) {
    if (x.length != hello.nx() || r.length != hello.nr()) {
      throw new HilException(HilException.Kind.SETUP, "controller " + hello.controller() + " expects nx = "
          + hello.nx() + ", nr = " + hello.nr() + " but got x of length " + x.length + " and r of length " + r.length);
    }
  }

  /** Sends a frame as is. */
  public void send(Frame frame) {
    byte[] bytes = frame.encode();
    write(bytes, 0, bytes.length);
  }

  /** Sends raw bytes (test hook: corrupted or partial frames). */
  public void sendRaw(byte[] bytes) {
    write(bytes, 0, bytes.length);
  }

  /**
   * Waits (at most the step timeout) for the next frame and returns it. A FAULT frame is turned into a
   * HARD_FAULT exception, as is a QEMU that ended.
   */
  public Frame receive() {
    arm(stepTimeout, "a frame");
    int n = receiveInto();
    return Frame.of(java.util.Arrays.copyOfRange(rx, 3, 3 + n));
  }

  /**
   * Ends the run: sends STOP, waits for BYE and for QEMU to exit with code 0.
   *
   * @return the number of STEP frames the firmware answered, from its BYE frame
   * @throws HilException when anything but BYE and exit code 0 happens
   */
  public long stop() {
    send(Frame.of(new byte[] {(byte) Frame.Type.STOP.code()}));
    arm(stepTimeout, "the BYE frame");
    int n = receiveInto();
    if ((rx[3] & 0xFF) != Frame.Type.BYE.code() || n != 5) {
      throw new HilException(HilException.Kind.PROTOCOL, "expected BYE after STOP, got type 0x"
          + Integer.toHexString(rx[3] & 0xFF));
    }
    long steps = Integer.toUnsignedLong(rxView.getInt(4));
    int code = awaitExit(stepTimeout.plusSeconds(1));
    if (code != 0) {
      throw new HilException(HilException.Kind.QEMU_EXITED,
          "firmware said BYE but QEMU exited with code " + code + " instead of 0" + stderrTail());
    }
    stopped = true;
    return steps;
  }

  private void arm(Duration timeout, String what) {
    waitingFor = what;
    waitNanos = timeout.toNanos();
    deadline = System.nanoTime() + waitNanos;
  }

  private Frame receiveArmed() {
    int n = receiveInto();
    return Frame.of(java.util.Arrays.copyOfRange(rx, 3, 3 + n));
  }

  /** Receives one frame into rx (payload at rx[3..]) under the armed watchdog; returns its length. */
  private int receiveInto() {
    int n;
    try {
      n = Frame.read(in, rx);
    } catch (EOFException e) {
      n = -1;
    } catch (IOException e) {
      if (!watchdogFired && process.isAlive()) {
        deadline = 0;
        throw new HilException(HilException.Kind.QEMU_EXITED, "reading from QEMU failed: " + e.getMessage(), e);
      }
      n = -1;
    } finally {
      deadline = 0;
    }
    if (n < 0) {
      throw diagnoseEnd(null);
    }
    if ((rx[3] & 0xFF) == Frame.Type.FAULT.code()) {
      FaultReport report = FaultReport.fromPayload(java.util.Arrays.copyOfRange(rx, 3, 3 + n));
      awaitExit(Duration.ofSeconds(2));
      throw diagnoseEnd(report);
    }
    return n;
  }

  private void write(byte[] buf, int off, int len) {
    try {
      if (channel != null) {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        while (bb.hasRemaining()) {
          channel.write(bb);
        }
      } else {
        out.write(buf, off, len);
        out.flush();
      }
    } catch (IOException e) {
      throw diagnoseEnd(null);
    }
  }

  /** The exception explaining why the firmware stopped talking. */
  private HilException diagnoseEnd(FaultReport fromFrame) {
    String where = firmware.getFileName() + " on " + target.name();
    if (watchdogFired) {
      awaitExit(Duration.ofSeconds(5)); // reaped before we report it dead
      return new HilException(HilException.Kind.WATCHDOG, String.format(Locale.ROOT,
          "watchdog: firmware %s did not answer %s within %d ms; it hangs (QEMU pid %d killed with SIGKILL)",
          where, waitingFor, TimeUnit.NANOSECONDS.toMillis(waitNanos), process.pid()));
    }
    int code = awaitExit(Duration.ofSeconds(2));
    joinStderr();
    FaultReport report = fromFrame != null ? fromFrame : FaultReport.parse(stderr()).orElse(null);
    if (report != null) {
      report = locate(report);
      return new HilException(HilException.Kind.HARD_FAULT,
          "firmware " + where + " took a fault while waiting for " + waitingFor + ": " + report.describe(),
          report, null);
    }
    String err = stderr();
    if (err.contains("Lockup")) {
      String first = err.strip().lines().filter(l -> l.contains("Lockup")).findFirst().orElse("");
      return new HilException(HilException.Kind.QEMU_EXITED, "firmware " + where + " stopped before " + waitingFor
          + ": the CPU locked up (a fault inside the fault handler, or no vector table at the boot address: is "
          + firmware.getFileName() + " built for " + target.name() + "?); QEMU: " + first.strip());
    }
    String why;
    switch (code) {
      case 3:
        why = "the firmware reported a HardFault (exit code 3) without registers";
        break;
      case 4:
        why = "the firmware saw its input end (exit code 4)";
        break;
      case 5:
        why = "the firmware could not open its semihosting channels (exit code 5)";
        break;
      case 6:
        why = "the controller's init call failed (exit code 6)";
        break;
      case 0:
        why = "QEMU exited with 0 but without a BYE frame: not a success (SIGTERM makes QEMU exit 0)";
        break;
      case 137:
      case -1:
        why = "QEMU was killed";
        break;
      default:
        why = "QEMU exited with code " + code;
    }
    return new HilException(HilException.Kind.QEMU_EXITED,
        "firmware " + where + " stopped before " + waitingFor + ": " + why + stderrTail());
  }

  private FaultReport locate(FaultReport report) {
    try {
      return ArmToolchain.locate().describeAddress(firmware, report.pc()).map(report::withLocation).orElse(report);
    } catch (TargetException e) {
      return report;
    }
  }

  private String stderrTail() {
    String err = stderr().strip();
    if (err.isEmpty()) {
      return "";
    }
    return "; QEMU stderr: " + (err.length() > 2000 ? "…" + err.substring(err.length() - 2000) : err);
  }

  /** Waits for QEMU to exit; kills it when it does not within {@code timeout}. Returns the exit code. */
  private int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      return process.isAlive() ? -1 : process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
  }

  private void joinStderr() {
    try {
      stderrPump.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pumpStderr() {
    byte[] buf = new byte[4096];
    try (InputStream err = process.getErrorStream()) {
      int n;
      while ((n = err.read(buf)) >= 0) {
        synchronized (stderr) {
          if (stderr.length() < STDERR_LIMIT) {
            stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      // QEMU is gone; what was read is kept.
    }
  }

  private void watch() {
    while (!closed && process.isAlive()) {
      long d = deadline;
      if (d != 0 && System.nanoTime() - d > 0) {
        watchdogFired = true;
        LOG.warn("watchdog: no answer for {}, killing QEMU pid {}", waitingFor, process.pid());
        process.destroyForcibly();
        return;
      }
      LockSupport.parkNanos(5_000_000);
    }
  }

  /**
   * QEMU's exit code once it has exited: 0 after STOP, 3 after a fault, 4 when the firmware's input
   * ended, 137 when killed; empty while it runs. Never proof of success on its own.
   */
  public java.util.OptionalInt exitCode() {
    return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
  }

  /** Whether {@link #stop()} ended the run cleanly. */
  public boolean stoppedCleanly() {
    return stopped;
  }

  /** Kills QEMU (SIGKILL) if it still runs, and releases everything. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
    LockSupport.unpark(watchdog);
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing the UART socket: {}", e.toString());
      }
    }
    deleteSocketDir();
  }

  private void deleteSocketDir() {
    if (socketDir != null) {
      try {
        Files.deleteIfExists(socketDir.resolve("uart.sock"));
        Files.deleteIfExists(socketDir);
      } catch (IOException e) {
        LOG.debug("cannot delete {}: {}", socketDir, e.toString());
      }
    }
  }

  /** Live QEMU processes started by this JVM (for tests that check nothing is left behind). */
  static int liveProcesses() {
    LIVE.removeIf(p -> !p.isAlive());
    return LIVE.size();
  }

  /** Options of a {@link QemuRunner}. */
  public static final class Builder {
    private final Target target;
    private final Path firmware;
    private Transport transport = Transport.SEMIHOSTING;
    private Duration stepTimeout = DEFAULT_STEP_TIMEOUT;
    private Duration bootTimeout = DEFAULT_BOOT_TIMEOUT;
    private Path qemu;
    private final List<String> extraArgs = new ArrayList<>();

    private Builder(Target target, Path firmware) {
      this.target = Objects.requireNonNull(target, "target");
      this.firmware = Objects.requireNonNull(firmware, "firmware").toAbsolutePath();
    }

    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Watchdog for every answer after boot (default 2 s). */
    public Builder stepTimeout(Duration timeout) {
      this.stepTimeout = positive(timeout);
      return this;
    }

    /** Watchdog for the HELLO frame after starting QEMU (default 10 s). */
    public Builder bootTimeout(Duration timeout) {
      this.bootTimeout = positive(timeout);
      return this;
    }

    /** A specific qemu-system-arm (default: the one on PATH). */
    public Builder qemu(Path qemu) {
      this.qemu = qemu;
      return this;
    }

    /** More QEMU arguments, appended. */
    public Builder extraArgs(List<String> args) {
      extraArgs.addAll(args);
      return this;
    }

    /** A 32-bit little-endian ARM ELF executable, or a SETUP error saying what the file is not. */
    private static void checkElf(Path file, String build) {
      byte[] head = new byte[20];
      int n;
      try (InputStream in = Files.newInputStream(file)) {
        n = in.readNBytes(head, 0, head.length);
      } catch (IOException e) {
        throw new HilException(HilException.Kind.SETUP, "cannot read the firmware " + file + ": " + e.getMessage(), e);
      }
      if (n < head.length || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
        throw new HilException(HilException.Kind.SETUP, "firmware " + file + " is not an ELF file (it does not start"
            + " with the ELF magic bytes 7f 45 4c 46); " + build);
      }
      int machine = (head[18] & 0xFF) | (head[19] & 0xFF) << 8;
      if (head[4] != 1 || head[5] != 1 || machine != 40) {
        throw new HilException(HilException.Kind.SETUP, "firmware " + file + " is an ELF file but not for a 32-bit"
            + " little-endian ARM processor (class " + head[4] + ", data " + head[5] + ", machine " + machine
            + "; a Cortex-M4 image has 1, 1, 40); " + build);
      }
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + d);
      }
      return d;
    }

    /**
     * Starts QEMU and waits for the firmware's HELLO frame.
     *
     * @throws HilException SETUP when QEMU is missing, the target is build-only or the firmware file
     *     does not exist; otherwise as {@link QemuRunner#step}
     */
    public QemuRunner start() {
      Optional<String> machine = target.qemuMachine();
      if (machine.isEmpty()) {
        throw new HilException(HilException.Kind.SETUP, "target " + target.name()
            + " is build-only (no QEMU machine); run HIL on mps2-an386 or netduinoplus2");
      }
      String build = "build it with loopforge firmware --target " + target.name() + " --controller DIR --out "
          + firmware.getFileName();
      if (Files.isDirectory(firmware)) {
        throw new HilException(HilException.Kind.SETUP, "firmware " + firmware + " is a folder, not an ELF file; give"
            + " the firmware file (" + build + ")");
      }
      if (!Files.isRegularFile(firmware)) {
        throw new HilException(HilException.Kind.SETUP, "firmware " + firmware + " does not exist; " + build);
      }
      checkElf(firmware, build);
      Path q = qemu;
      if (q == null) {
        q = locateQemu();
      } else if (!Files.isExecutable(q)) {
        throw new HilException(HilException.Kind.SETUP, q + " is not an executable qemu-system-arm; " + INSTALL_HINT);
      }
      return new QemuRunner(this, q, locateSetpriv());
    }
  }
}
