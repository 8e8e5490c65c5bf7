/**
 * The distillation's solves as an Apache Spark job ({@link io.loopforge.spark.SparkSolveJob}): the same
 * records as the local fan-out, written as Parquet by the workers. Optional: nothing else depends on it.
 */
package io.loopforge.spark;
