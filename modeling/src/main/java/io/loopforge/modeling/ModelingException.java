package io.loopforge.modeling;

/**
 * A user-facing failure in the modeling module: bad data, a bad model file, a bad specification.
 * The message says what was wrong, where (file, line, column, parameter) and, where it helps, what to
 * do about it. Bugs are not reported with this type. A subclass marks a failure that is the request's
 * size or range rather than the data ({@link io.loopforge.modeling.sindy.LibraryTooLargeException}).
 */
public class ModelingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelingException(String message) {
    super(message);
  }

  public ModelingException(String message, Throwable cause) {
    super(message, cause);
  }
}
