package io.loopforge.cli;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.onnx.OnnxImport;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge import onnx}: an ONNX feed-forward ReLU network as a relu-network model file. */
@Command(
    name = "onnx",
    mixinStandardHelpOptions = true,
    header = "Read a ReLU network from an ONNX file (PyTorch, Keras via tf2onnx).",
    sortOptions = false,
    description = {
      "Read a feed-forward ReLU network from an ONNX file into a relu-network model file, which sparsify, the"
          + " MPC planners, generate, firmware and hil take like a trained one. The network's one input is"
          + " [states; inputs] (--states, then --inputs, in order), its one output the next state (or, with"
          + " --residual, the increment: x+ = x + f(x, u)).",
      "Reads " + OnnxImport.SUPPORTED + "; opsets " + OnnxImport.MIN_OPSET + "-" + OnnxImport.MAX_OPSET
          + "; float32 and float64 weights. Input and output normalisation (Sub/Div, Mul/Add by constants) is"
          + " folded into the first and last layer; a linear layer without activation becomes identity neurons."
          + " Anything else is refused with the node, its op type and what is supported.",
      "A file written by 'loopforge export onnx' carries its names, dt and residual flag: then the options"
          + " may be left out.",
      ""
    })
final class ImportOnnxCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NET.onnx", description = "The ONNX file.")
  Path onnx;

  @Option(names = "--states", split = ",", paramLabel = "NAME",
      description = "State names, comma-separated: the first network inputs and the outputs, in order.")
  List<String> states;

  @Option(names = "--inputs", split = ",", paramLabel = "NAME",
      description = "Input names, comma-separated: the network inputs after the states (default: none).")
  List<String> inputs;

  @Option(names = "--dt", paramLabel = "S", description = "Time step of the network, s.")
  Double dt;

  @Option(names = "--residual", description = "The network predicts the increment: x+ = x + f(x, u) (default: what"
      + " the file's Loopforge metadata says, else not).")
  boolean residual;

  @Option(names = "--out", required = true, paramLabel = "MODEL.json", description = "Where to write the model file.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (inputs != null && states == null) {
      throw new ParameterException(spec.commandLine(), "--inputs needs --states: give the state names too");
    }
    if (dt != null && !(dt > 0 && Double.isFinite(dt))) {
      throw new ParameterException(spec.commandLine(), "--dt must be a positive number of seconds, got " + dt);
    }
    OutputPaths.refuseOverwrite(spec, out, onnx);
    OutputPaths.checkWritable(spec, "--out", out);
    OnnxImport.Builder b = OnnxImport.builder();
    if (states != null) {
      b.states(states).inputs(inputs == null ? List.of() : inputs);
    }
    if (dt != null) {
      b.dt(dt);
    }
    if (residual) {
      b.residual(true);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(onnx);
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read ONNX file " + onnx + ": no such file; check the path");
    }
    ReluNetwork net = b.build().parse(bytes, onnx.toString());
    ModelFiles.write(Model.of(net), out);
    PrintWriter w = spec.commandLine().getOut();
    w.println("read " + onnx + " (" + OnnxImport.describe(bytes, onnx.toString()) + ")");
    w.println("  " + net.inputWidth() + " inputs " + concat(net.stateNames(), net.inputNames())
        + " → hidden " + Arrays.toString(net.hiddenWidths()) + " → " + net.stateDim() + " outputs " + net.stateNames()
        + (net.residual() ? " (residual)" : "") + ", dt " + net.dt() + " s");
    w.println("  " + net.reluCount() + " ReLUs, " + net.count(NeuronKind.IDENTITY) + " identity neurons, "
        + net.parameterCount() + " parameters");
    w.println("wrote " + out);
    w.flush();
    return 0;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
