package io.loopforge.modeling.excitation;

/**
 * Fibonacci linear-feedback shift registers with maximal period 2ⁿ − 1 for n = 5..24. The taps (feedback
 * polynomial exponents) were checked by running each register through a full period (see the test).
 */
final class MaximumLengthSequence {
  static final int MIN_ORDER = 5;
  static final int MAX_ORDER = 24;

  private static final int[][] TAPS = {
    {5, 3}, {6, 5}, {7, 6}, {8, 6, 5, 4}, {9, 5}, {10, 7}, {11, 9}, {12, 6, 4, 1}, {13, 4, 3, 1},
    {14, 5, 3, 1}, {15, 14}, {16, 15, 13, 4}, {17, 14}, {18, 11}, {19, 6, 2, 1}, {20, 17}, {21, 19},
    {22, 21}, {23, 18}, {24, 23, 22, 17},
  };

  private final int order;
  private final int[] shifts;
  private final int mask;
  private int state;

  /**
   * @param order register length n in [{@link #MIN_ORDER}, {@link #MAX_ORDER}]
   * @param state non-zero start state (only the low n bits are used); picks the phase of the sequence
   */
  MaximumLengthSequence(int order, int state) {
    if (order < MIN_ORDER || order > MAX_ORDER) {
      throw new IllegalArgumentException("order " + order);
    }
    this.order = order;
    int[] taps = TAPS[order - MIN_ORDER];
    this.shifts = new int[taps.length];
    for (int i = 0; i < taps.length; i++) {
      shifts[i] = order - taps[i];
    }
    this.mask = (int) ((1L << order) - 1);
    this.state = state & mask;
    if (this.state == 0) {
      throw new IllegalArgumentException("the all-zero state is a fixed point");
    }
  }

  /** Smallest supported order whose period 2ⁿ − 1 is at least {@code bits} (capped at the maximum). */
  static int orderFor(long bits) {
    int n = MIN_ORDER;
    while (n < MAX_ORDER && (1L << n) - 1 < bits) {
      n++;
    }
    return n;
  }

  int order() {
    return order;
  }

  int state() {
    return state;
  }

  /** The next output bit (0 or 1). */
  int nextBit() {
    int out = state & 1;
    int feedback = 0;
    for (int s : shifts) {
      feedback ^= state >>> s;
    }
    state = ((state >>> 1) | ((feedback & 1) << (order - 1))) & mask;
    return out;
  }
}
