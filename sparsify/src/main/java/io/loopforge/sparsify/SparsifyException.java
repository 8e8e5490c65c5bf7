package io.loopforge.sparsify;

/**
 * A user-facing failure in the sparsify module: a ReLU budget the network cannot meet, a schedule that
 * does not decrease, data that do not match the network. The message says what was wrong and what to
 * do; bugs are not reported with this type.
 */
public final class SparsifyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SparsifyException(String message) {
    super(message);
  }

  public SparsifyException(String message, Throwable cause) {
    super(message, cause);
  }
}
