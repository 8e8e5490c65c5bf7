package io.loopforge.modeling.onnx;

import com.google.protobuf.ByteString;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Decoding and encoding of ONNX weight tensors (float32 and float64, typed fields or raw_data). */
final class OnnxTensors {
  private OnnxTensors() {}

  /** A constant tensor: its dimensions and its values in row-major order, widened to double. */
  record Constant(long[] dims, double[] values) {
    int rank() {
      return dims.length;
    }
  }

  /**
   * The values of {@code t}, widened exactly to double.
   *
   * @param where names the file and the tensor for messages
   * @throws ModelingException for other element types, external data or a size that does not match the
   *     dimensions
   */
  static Constant decode(TensorProto t, String where) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new ModelingException(where + " keeps its values in an external data file; Loopforge reads"
          + " networks whose weights are inside the .onnx file (onnx.save_model(m, f, save_as_external_data=False))");
    }
    if (t.hasSegment()) {
      throw new ModelingException(where + " is a segmented tensor; Loopforge reads whole tensors only");
    }
    long[] dims = new long[t.getDimsCount()];
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.getDims(i);
      if (dims[i] < 0) {
        throw new ModelingException(where + " has a negative dimension " + dims[i]);
      }
      n *= dims[i];
    }
    if (n > Integer.MAX_VALUE / 8) {
      throw new ModelingException(where + " has " + n + " values, more than Loopforge imports");
    }
    int count = (int) n;
    double[] v = new double[count];
    int type = t.getDataType();
    ByteString raw = t.getRawData();
    if (type == TensorProto.DataType.FLOAT_VALUE) {
      if (!raw.isEmpty()) {
        checkSize(where, raw.size(), 4L * count, "bytes of raw_data");
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
          v[i] = b.getFloat(4 * i);
        }
      } else {
        checkSize(where, t.getFloatDataCount(), count, "values in float_data");
        for (int i = 0; i < count; i++) {
          v[i] = t.getFloatData(i);
        }
      }
    } else if (type == TensorProto.DataType.DOUBLE_VALUE) {
      if (!raw.isEmpty()) {
        checkSize(where, raw.size(), 8L * count, "bytes of raw_data");
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
          v[i] = b.getDouble(8 * i);
        }
      } else {
        checkSize(where, t.getDoubleDataCount(), count, "values in double_data");
        for (int i = 0; i < count; i++) {
          v[i] = t.getDoubleData(i);
        }
      }
    } else {
      throw new ModelingException(where + " has element type " + typeName(type)
          + "; Loopforge imports float32 and float64 weights (convert the model, e.g. model.float() in PyTorch)");
    }
    for (int i = 0; i < count; i++) {
      if (!Double.isFinite(v[i])) {
        throw new ModelingException(where + " holds a non-finite value (" + v[i] + ") at flat index " + i);
      }
    }
    return new Constant(dims, v);
  }

  /** The values of an int64 vector (e.g. a Reshape target shape). */
  static long[] decodeInt64(TensorProto t, String where) {
    if (t.getDimsCount() > 1) {
      throw new ModelingException(where + " is an int64 tensor of rank " + t.getDimsCount() + "; expected a vector");
    }
    ByteString raw = t.getRawData();
    if (!raw.isEmpty()) {
      if (raw.size() % 8 != 0) {
        throw new ModelingException(where + " has " + raw.size() + " bytes of raw_data, not a multiple of 8");
      }
      ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long[] v = new long[raw.size() / 8];
      for (int i = 0; i < v.length; i++) {
        v[i] = b.getLong(8 * i);
      }
      return v;
    }
    long[] v = new long[t.getInt64DataCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getInt64Data(i);
    }
    return v;
  }

  private static void checkSize(String where, long got, long expected, String what) {
    if (got != expected) {
      throw new ModelingException(where + " has " + got + " " + what + ", expected " + expected
          + " for its dimensions; the file is damaged");
    }
  }

  /** The ONNX name of an element type, e.g. {@code FLOAT16}. */
  static String typeName(int type) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(type);
    return t == null ? "number " + type : t.name();
  }

  /** A float32 or float64 tensor with {@code raw_data} (little-endian), as PyTorch writes its weights. */
  static TensorProto encode(String name, long[] dims, double[] values, boolean doublePrecision) {
    ByteBuffer b = ByteBuffer.allocate(values.length * (doublePrecision ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (doublePrecision) {
        b.putDouble(v);
      } else {
        b.putFloat((float) v);
      }
    }
    b.flip();
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(doublePrecision ? TensorProto.DataType.DOUBLE_VALUE : TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }
}
