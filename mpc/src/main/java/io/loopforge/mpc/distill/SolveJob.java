package io.loopforge.mpc.distill;

import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Plan;
import io.loopforge.mpc.PlanRequest;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.Planner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Solves the MPC for every {@link SolveTask} of a list, in chunks of consecutive tasks, through a {@link
 * FanOut}, into a {@link ChunkStore} folder; a rerun of the same job (after a crash, a kill, Ctrl-C) solves
 * only the chunks without a file. Each chunk gets a fresh planner from the factory and every task is solved
 * cold ({@link #solve}: the planner reset, no warm start, u₋₁ = the problem's input reference), so a record
 * does not depend on which thread, process or machine computed it, nor in what order.
 *
 * <pre>
 * SolveDataset data = SolveJob.builder(() -&gt; MipPlanner.builder(problem).build(), tasks)
 *     .directory(Path.of("solves")).chunkSize(100).fanOut(ExecutorFanOut.allCores())
 *     .listener(p -&gt; System.err.println(p)).build().run();
 * </pre>
 */
public final class SolveJob {
  private final Supplier<Planner> planners;
  private final List<SolveTask> tasks;
  private final int chunkSize;
  private final Path directory;
  private final FanOut fanOut;
  private final Progress.Listener listener;
  private final String description;
  private final MpcProblem problem;

  private SolveJob(Builder b) {
    this.planners = b.planners;
    this.tasks = List.copyOf(b.tasks);
    this.chunkSize = b.chunkSize;
    this.directory = Objects.requireNonNull(b.directory, "the job needs a directory for its chunks");
    this.fanOut = b.fanOut;
    this.listener = b.listener;
    this.description = b.description;
    this.problem = planners.get().problem();
    for (int i = 0; i < tasks.size(); i++) {
      SolveTask t = tasks.get(i);
      if (t.index() != i) {
        throw new MpcException("task " + i + " has index " + t.index() + "; tasks must be numbered 0, 1, … in order");
      }
      if (t.state().length != problem.stateDim() || t.reference().length != problem.stateDim()) {
        throw new MpcException("task " + i + " has " + t.state().length + " state and " + t.reference().length
            + " reference values; the problem has " + problem.stateDim() + " states");
      }
    }
  }

  /**
   * A job solving {@code tasks} with planners from {@code planners} (called once per chunk; each planner is
   * used by one thread at a time).
   */
  public static Builder builder(Supplier<Planner> planners, List<SolveTask> tasks) {
    return new Builder(planners, tasks);
  }

  /** Tasks for {@code states}, each with the same set-point {@code reference}, numbered from 0. */
  public static List<SolveTask> tasks(List<double[]> states, double[] reference) {
    return tasks(states, Collections.nCopies(states.size(), reference));
  }

  /** Tasks for {@code states}, state k with set-point {@code references.get(k)}, numbered from 0. */
  public static List<SolveTask> tasks(List<double[]> states, List<double[]> references) {
    if (states.size() != references.size()) {
      throw new MpcException(states.size() + " states but " + references.size() + " references");
    }
    List<SolveTask> t = new ArrayList<>(states.size());
    for (int k = 0; k < states.size(); k++) {
      t.add(new SolveTask(k, states.get(k), references.get(k)));
    }
    return t;
  }

  public int chunkCount() {
    return (tasks.size() + chunkSize - 1) / chunkSize;
  }

  /** The fingerprint stored in the folder's manifest: the problem, the planner, the description and the tasks. */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Planner p = planners.get();
      MpcProblem pr = p.problem();
      String head = p.name() + "|" + pr + "|" + Arrays.toString(pr.stateReference()) + Arrays.toString(pr.inputReference())
          + Arrays.toString(pr.stateWeights()) + Arrays.toString(pr.terminalWeights())
          + (pr.hasTerminalMatrix() ? Arrays.deepToString(pr.terminalMatrix()) : "")
          + Arrays.toString(pr.inputWeights()) + Arrays.toString(pr.inputRateWeights())
          + Arrays.toString(pr.inputRateLimit()) + Arrays.toString(pr.stateLower()) + Arrays.toString(pr.stateUpper())
          + pr.statePenalty() + "|" + description;
      md.update(head.getBytes(StandardCharsets.UTF_8));
      ByteBuffer buf = ByteBuffer.allocate(8);
      for (SolveTask t : tasks) {
        for (double v : t.state()) {
          md.update(buf.clear().putDouble(v).array());
        }
        for (double v : t.reference()) {
          md.update(buf.clear().putDouble(v).array());
        }
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Solves the chunks not yet on disk, then reads every chunk.
   *
   * @throws InterruptedException when interrupted (the chunks finished so far stay on disk)
   * @throws MpcException when the folder belongs to another job, a chunk file is damaged, or a solve fails
   */
  public SolveDataset run() throws InterruptedException {
    ChunkStore store = ChunkStore.open(directory, fingerprint(), tasks.size(), chunkSize, problem.model().stateNames(),
        problem.model().inputNames());
    List<Integer> pending = new ArrayList<>();
    long onDisk = 0;
    for (int c = 0; c < chunkCount(); c++) {
      if (store.has(c)) {
        onDisk += chunkEnd(c) - c * chunkSize;
      } else {
        pending.add(c);
      }
    }
    AtomicLong done = new AtomicLong(onDisk);
    AtomicLong now = new AtomicLong();
    long t0 = System.nanoTime();
    long total = tasks.size();
    listener.progress(new Progress(onDisk, total, 0, Duration.ZERO));
    try {
      fanOut.run(pending, new SolveChunk(planners, tasks, chunkSize, store), c -> {
        long n = chunkEnd(c) - (long) c * chunkSize;
        long d = done.addAndGet(n);
        long m = now.addAndGet(n);
        listener.progress(new Progress(d, total, m, Duration.ofNanos(System.nanoTime() - t0)));
      });
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new MpcException("the solve job failed on " + fanOut.name() + ": " + e.getMessage()
          + " (the chunks finished so far are in " + directory + ")");
    }
    return read(store);
  }

  private SolveDataset read(ChunkStore store) {
    List<SolveRecord> all = new ArrayList<>(tasks.size());
    for (int c = 0; c < chunkCount(); c++) {
      List<SolveRecord> rs = store.read(c);
      if (rs.size() != chunkEnd(c) - c * chunkSize) {
        throw new MpcException(store.chunkFile(c) + " has " + rs.size() + " records, expected "
            + (chunkEnd(c) - c * chunkSize) + "; delete it to have it solved again");
      }
      all.addAll(rs);
    }
    return new SolveDataset(problem.model().stateNames(), problem.model().inputNames(), all);
  }

  private int chunkEnd(int c) {
    return Math.min(tasks.size(), (c + 1) * chunkSize);
  }

  /**
   * One cold solve: the planner is reset and asked from the task's state, the task's set-point held over the
   * horizon, u₋₁ = the problem's input reference clipped to the box, no warm start. A plan that is not usable
   * gives NaN inputs and cost.
   */
  public static SolveRecord solve(Planner planner, SolveTask task) {
    MpcProblem pr = planner.problem();
    planner.reset();
    double[] previous = pr.inputReference();
    pr.clip(previous, null);
    long t0 = System.nanoTime();
    Plan plan = planner.plan(new PlanRequest(task.state(), pr.constantWindow(task.reference()), previous, null));
    long nanos = System.nanoTime() - t0;
    PlanStatus s = plan.status();
    double[] u;
    double cost;
    if (s.usable() && plan.inputs() != null) {
      u = plan.firstInput();
      cost = plan.objective();
    } else {
      u = new double[pr.inputDim()];
      Arrays.fill(u, Double.NaN);
      cost = Double.NaN;
    }
    return new SolveRecord(task.index(), task.state(), task.reference(), u, s, cost, nanos);
  }

  /** The work of one chunk: its tasks solved by a fresh planner, written to the chunk's file. */
  private static final class SolveChunk implements FanOut.ChunkWork {
    private static final long serialVersionUID = 1L;
    private final Supplier<Planner> planners;
    private final List<SolveTask> tasks;
    private final int chunkSize;
    private final ChunkStore store;

    SolveChunk(Supplier<Planner> planners, List<SolveTask> tasks, int chunkSize, ChunkStore store) {
      this.planners = planners;
      this.tasks = tasks;
      this.chunkSize = chunkSize;
      this.store = store;
    }

    @Override
    public void run(int c) throws Exception {
      Planner planner = planners.get();
      int end = Math.min(tasks.size(), (c + 1) * chunkSize);
      List<SolveRecord> out = new ArrayList<>(end - c * chunkSize);
      for (int i = c * chunkSize; i < end; i++) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("solve job interrupted");
        }
        out.add(solve(planner, tasks.get(i)));
      }
      store.write(c, out);
    }
  }

  /** Options of a {@link SolveJob}. */
  public static final class Builder {
    private final Supplier<Planner> planners;
    private final List<SolveTask> tasks;
    private int chunkSize = 100;
    private Path directory;
    private FanOut fanOut = ExecutorFanOut.allCores();
    private Progress.Listener listener = p -> {};
    private String description = "";

    private Builder(Supplier<Planner> planners, List<SolveTask> tasks) {
      this.planners = Objects.requireNonNull(planners, "planners");
      this.tasks = Objects.requireNonNull(tasks, "tasks");
    }

    /** Tasks per chunk file (default 100). */
    public Builder chunkSize(int n) {
      if (n < 1) {
        throw new MpcException("the chunk size must be at least 1, got " + n);
      }
      this.chunkSize = n;
      return this;
    }

    /** The folder of the manifest and the chunk files (required). */
    public Builder directory(Path dir) {
      this.directory = dir;
      return this;
    }

    /** Where the chunks are computed (default: {@link ExecutorFanOut#allCores()}). */
    public Builder fanOut(FanOut f) {
      this.fanOut = Objects.requireNonNull(f, "fanOut");
      return this;
    }

    /** Receives progress after every chunk (possibly from several threads). */
    public Builder listener(Progress.Listener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * What else defines the solves and the fingerprint cannot see (the model file's hash, the planner's
     * settings), so that a folder of another job is refused.
     */
    public Builder description(String d) {
      this.description = Objects.requireNonNull(d, "description");
      return this;
    }

    public SolveJob build() {
      return new SolveJob(this);
    }
  }
}
