/**
 * ONNX in and out: {@link io.loopforge.modeling.onnx.OnnxImport} reads a feed-forward ReLU network that
 * PyTorch or tf2onnx exported into a {@link io.loopforge.modeling.nn.ReluNetwork} (everything else refused
 * with the node, its op type and what is read); {@link io.loopforge.modeling.onnx.OnnxExport} writes any
 * ReLU network (dense or folded) as a standard Gemm/Relu graph. The protobuf classes
 * ({@code io.loopforge.modeling.onnx.proto.OnnxProto}) are generated at build time from the ONNX schema in
 * {@code src/main/protobuf/onnx/onnx.proto}.
 */
package io.loopforge.modeling.onnx;
