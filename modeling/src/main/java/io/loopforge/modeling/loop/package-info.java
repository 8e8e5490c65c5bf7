/**
 * The closed loop: a plant (integrated between samples) or a discrete-time model under any {@link
 * io.loopforge.modeling.policy.Controller}, with zero-order hold, a set-point or reference trajectory,
 * seeded measurement noise and input disturbance, actuator saturation, a pluggable {@link
 * io.loopforge.modeling.loop.StageCost}, early stop outside the operating region, and the controller's time
 * per step. {@link io.loopforge.modeling.loop.ClosedLoop} runs it; {@link
 * io.loopforge.modeling.loop.ClosedLoopResult} holds the trajectory and the figures and writes them as JSON.
 * The HIL session runs the firmware on it, behind a controller.
 */
package io.loopforge.modeling.loop;
