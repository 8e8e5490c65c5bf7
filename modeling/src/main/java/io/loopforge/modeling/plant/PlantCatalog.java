package io.loopforge.modeling.plant;

import io.loopforge.modeling.ModelingException;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in benchmark plants by catalog name, each with its default parameters:
 * {@code mass-spring-damper}, {@code pendulum}, {@code cartpole}, {@code cartpole-walls},
 * {@code lorenz-control}.
 */
public final class PlantCatalog {
  private static final List<String> NAMES = List.of(
      MassSpringDamper.NAME, Pendulum.NAME, CartPole.NAME, CartPoleWalls.NAME, LorenzControl.NAME);

  private PlantCatalog() {}

  /** Catalog names in a fixed order. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The plant with this catalog name and default parameters.
   *
   * @throws ModelingException for an unknown name; the message lists the known names
   */
  public static Plant create(String name) {
    switch (name == null ? "" : name) {
      case MassSpringDamper.NAME:
        return MassSpringDamper.withDefaults();
      case Pendulum.NAME:
        return Pendulum.withDefaults();
      case CartPole.NAME:
        return CartPole.withDefaults();
      case CartPoleWalls.NAME:
        return CartPoleWalls.withDefaults();
      case LorenzControl.NAME:
        return LorenzControl.withDefaults();
      default:
        throw new ModelingException(
            "unknown plant '" + name + "'; known plants: " + String.join(", ", NAMES));
    }
  }

  /** Every catalog plant with default parameters, in the order of {@link #names()}. */
  public static List<Plant> all() {
    List<Plant> plants = new ArrayList<>(NAMES.size());
    for (String name : NAMES) {
      plants.add(create(name));
    }
    return List.copyOf(plants);
  }
}
