package io.loopforge.modeling.sindy;

import io.loopforge.modeling.ModelingException;

/**
 * A feature library that would have more terms than Loopforge fits: the request (its degree), not the
 * data, is what to change, so a command reports it as a usage error.
 */
public final class LibraryTooLargeException extends ModelingException {
  private static final long serialVersionUID = 1L;

  LibraryTooLargeException(String message) {
    super(message);
  }
}
