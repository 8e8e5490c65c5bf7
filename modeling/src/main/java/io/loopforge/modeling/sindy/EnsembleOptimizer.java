package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * E-SINDy (Fasel et al. 2022), as PySINDy's {@code EnsembleOptimizer}: fits {@code nModels} members
 * with an inner optimizer, each on rows drawn at random ({@code bagging}: {@code nSubset} rows, with
 * or without replacement) and/or on the library with {@code nCandidatesToDrop} random terms left out
 * ({@code libraryEnsemble}); the model is the entrywise median (or mean) of the members'
 * coefficients, and the inclusion probability of a term is the fraction of members in which it is
 * nonzero ({@link FitReport#inclusionProbabilities()}). Draws come from a {@link SplittableRandom}
 * with the given seed, so a fit is reproducible (not bit-equal to PySINDy's numpy draws). Immutable.
 */
public final class EnsembleOptimizer extends Optimizer {
  /** How member coefficients are combined. */
  public enum Aggregation {
    MEDIAN,
    MEAN
  }

  private final Optimizer base;
  private final boolean bagging;
  private final boolean libraryEnsemble;
  private final int nModels;
  private final int nSubset; // 0: as many rows as there are
  private final boolean replace;
  private final int nCandidatesToDrop;
  private final Aggregation aggregation;
  private final long seed;

  private EnsembleOptimizer(Builder b) {
    if (b.base instanceof EnsembleOptimizer) {
      throw new IllegalArgumentException("the inner optimizer of an ensemble cannot itself be an ensemble");
    }
    if (!b.bagging && !b.libraryEnsemble) {
      throw new IllegalArgumentException("an ensemble needs bagging or library_ensemble (or both)");
    }
    if (b.nModels < 1) {
      throw new IllegalArgumentException("n_models must be at least 1, got " + b.nModels);
    }
    if (b.nSubset < 0) {
      throw new IllegalArgumentException("n_subset must be positive, got " + b.nSubset);
    }
    if (b.nCandidatesToDrop < 1) {
      throw new IllegalArgumentException("n_candidates_to_drop must be at least 1, got " + b.nCandidatesToDrop);
    }
    this.base = Objects.requireNonNull(b.base, "base optimizer");
    this.bagging = b.bagging;
    this.libraryEnsemble = b.libraryEnsemble;
    this.nModels = b.nModels;
    this.nSubset = b.nSubset;
    this.replace = b.replace;
    this.nCandidatesToDrop = b.nCandidatesToDrop;
    this.aggregation = b.aggregation;
    this.seed = b.seed;
  }

  /** Row bagging of the given optimizer with PySINDy's defaults (20 members, n rows with replacement, median). */
  public static EnsembleOptimizer bagging(Optimizer base) {
    return builder(base).build();
  }

  public static Builder builder(Optimizer base) {
    return new Builder(base);
  }

  public Optimizer base() {
    return base;
  }

  public int nModels() {
    return nModels;
  }

  public Aggregation aggregation() {
    return aggregation;
  }

  public long seed() {
    return seed;
  }

  @Override
  public ObjectNode toSpec() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("type", "ensemble");
    o.set("optimizer", base.toSpec());
    o.put("bagging", bagging);
    o.put("library_ensemble", libraryEnsemble);
    o.put("n_models", nModels);
    if (nSubset > 0) {
      o.put("n_subset", nSubset);
    }
    o.put("replace", replace);
    o.put("n_candidates_to_drop", nCandidatesToDrop);
    o.put("aggregation", aggregation.name().toLowerCase(java.util.Locale.ROOT));
    o.put("seed", seed);
    return o;
  }

  static EnsembleOptimizer fromSpec(SpecReader r) {
    r.allowOnly(Set.of(
        "type", "optimizer", "bagging", "library_ensemble", "n_models", "n_subset", "replace",
        "n_candidates_to_drop", "aggregation", "seed"));
    Optimizer base = r.has("optimizer") ? Optimizer.fromSpec(r.object("optimizer")) : Stlsq.defaults();
    String agg = r.string("aggregation", "median");
    Aggregation a;
    if (agg.equals("median")) {
      a = Aggregation.MEDIAN;
    } else if (agg.equals("mean")) {
      a = Aggregation.MEAN;
    } else {
      throw r.error(r.child("aggregation"), "unknown aggregation \"" + agg + "\"; known: median, mean");
    }
    return builder(base)
        .bagging(r.bool("bagging", true))
        .libraryEnsemble(r.bool("library_ensemble", false))
        .nModels(r.integer("n_models", 20))
        .nSubset(r.integer("n_subset", 0))
        .replace(r.bool("replace", true))
        .nCandidatesToDrop(r.integer("n_candidates_to_drop", 1))
        .aggregation(a)
        .seed(r.longInteger("seed", 0L))
        .build();
  }

  @Override
  boolean needsRows() {
    return bagging;
  }

  @Override
  double[][] fitProblem(LsProblem problem, FitLog log) {
    if (bagging) {
      throw new IllegalStateException("row bagging needs the design rows");
    }
    return run(null, problem, log);
  }

  @Override
  double[][] fit(Design design, FitLog log) {
    return run(design, bagging ? null : design.full(), log);
  }

  private double[][] run(Design design, LsProblem full, FitLog log) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int p = bagging ? design.p : full.p;
    int m = bagging ? design.m : full.m;
    int n = bagging ? design.n : full.n;
    int subset = nSubset > 0 ? nSubset : n;
    if (bagging && !replace && subset > n) {
      log.warn("ensemble: n_subset " + subset + " is larger than the " + n
          + " samples and drawing without replacement; using all samples");
      subset = n;
    }
    int drop = nCandidatesToDrop;
    if (libraryEnsemble && drop >= p) {
      log.warn("ensemble: n_candidates_to_drop " + drop + " leaves no term of the " + p
          + "-term library; library ensembling is off");
      drop = 0;
    }
    List<double[][]> members = new ArrayList<>(nModels);
    FitLog memberLog = log.member();
    int[] idx = new int[subset];
    for (int k = 0; k < nModels; k++) {
      LsProblem pr = full;
      if (bagging) {
        drawRows(rnd, n, subset, idx);
        pr = design.rows(idx);
      }
      int[] keep = null;
      if (libraryEnsemble && drop > 0) {
        keep = drawKeep(rnd, p, p - drop);
        pr = pr.restrictColumns(keep);
      }
      double[][] c = base.fitProblem(pr, memberLog);
      double[][] coef = new double[m][p];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < c[i].length; j++) {
          coef[i][keep == null ? j : keep[j]] = c[i][j];
        }
      }
      members.add(coef);
    }
    log.mergeMember(memberLog, nModels);
    log.iterations += memberLog.iterations;
    double[][] out = new double[m][p];
    double[][] incl = new double[m][p];
    double[] vals = new double[nModels];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < p; j++) {
        int nz = 0;
        for (int k = 0; k < nModels; k++) {
          vals[k] = members.get(k)[i][j];
          if (vals[k] != 0.0) {
            nz++;
          }
        }
        incl[i][j] = (double) nz / nModels;
        out[i][j] = aggregation == Aggregation.MEDIAN ? median(vals) : mean(vals);
      }
    }
    log.inclusionProbabilities = incl;
    log.memberCoefficients = members;
    return out;
  }

  private void drawRows(SplittableRandom rnd, int n, int subset, int[] idx) {
    if (replace) {
      for (int i = 0; i < subset; i++) {
        idx[i] = rnd.nextInt(n);
      }
    } else {
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = 0; i < subset; i++) {
        int j = i + rnd.nextInt(n - i);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        idx[i] = perm[i];
      }
    }
    Arrays.sort(idx, 0, subset);
  }

  private static int[] drawKeep(SplittableRandom rnd, int p, int count) {
    int[] perm = new int[p];
    for (int i = 0; i < p; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < count; i++) {
      int j = i + rnd.nextInt(p - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] keep = Arrays.copyOf(perm, count);
    Arrays.sort(keep);
    return keep;
  }

  /** numpy.median: the middle value, or the mean of the two middle values. */
  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Builder; defaults are PySINDy's (bagging, 20 members, n rows with replacement, median). */
  public static final class Builder {
    private final Optimizer base;
    private boolean bagging = true;
    private boolean libraryEnsemble = false;
    private int nModels = 20;
    private int nSubset = 0;
    private boolean replace = true;
    private int nCandidatesToDrop = 1;
    private Aggregation aggregation = Aggregation.MEDIAN;
    private long seed = 0;

    private Builder(Optimizer base) {
      this.base = base;
    }

    public Builder bagging(boolean bagging) {
      this.bagging = bagging;
      return this;
    }

    public Builder libraryEnsemble(boolean libraryEnsemble) {
      this.libraryEnsemble = libraryEnsemble;
      return this;
    }

    public Builder nModels(int nModels) {
      this.nModels = nModels;
      return this;
    }

    /** Rows per member; 0 (default) for as many as the data has. */
    public Builder nSubset(int nSubset) {
      this.nSubset = nSubset;
      return this;
    }

    public Builder replace(boolean replace) {
      this.replace = replace;
      return this;
    }

    public Builder nCandidatesToDrop(int nCandidatesToDrop) {
      this.nCandidatesToDrop = nCandidatesToDrop;
      return this;
    }

    public Builder aggregation(Aggregation aggregation) {
      this.aggregation = Objects.requireNonNull(aggregation);
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public EnsembleOptimizer build() {
      return new EnsembleOptimizer(this);
    }
  }
}
