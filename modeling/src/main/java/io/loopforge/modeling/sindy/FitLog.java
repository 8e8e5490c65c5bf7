package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Collects what happened during one fit: warnings (also logged through SLF4J) and statistics. */
final class FitLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.loopforge.modeling.sindy");

  final List<String> targetNames;
  private final Map<String, Integer> warnings = new LinkedHashMap<>();
  private final boolean quiet;
  int iterations;
  double[][] inclusionProbabilities;
  List<double[][]> memberCoefficients;

  FitLog(List<String> targetNames) {
    this(targetNames, false);
  }

  private FitLog(List<String> targetNames, boolean quiet) {
    this.targetNames = targetNames;
    this.quiet = quiet;
  }

  /** A log for an ensemble member: warnings are counted, and logged once by the parent. */
  FitLog member() {
    return new FitLog(targetNames, true);
  }

  void warn(String message) {
    if (warnings.merge(message, 1, Integer::sum) == 1 && !quiet) {
      LOG.warn(message);
    }
  }

  void mergeMember(FitLog member, int nModels) {
    for (Map.Entry<String, Integer> e : member.warnings.entrySet()) {
      String msg = "ensemble: " + e.getValue() + (e.getValue() == 1 ? " member" : " members")
          + " of " + nModels + ": " + e.getKey();
      warn(msg);
    }
  }

  List<String> warnings() {
    return new ArrayList<>(warnings.keySet());
  }

  String target(int i) {
    return i < targetNames.size() ? targetNames.get(i) : "equation " + i;
  }
}
