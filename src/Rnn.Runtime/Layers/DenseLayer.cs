using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>A fully connected layer over rows, PyTorch nn.Linear: y = act(x·Wᵀ + b), W [units, input] at the given offset, then b [units].</summary>
    public static class DenseLayer
    {
        /// <summary>y [rows, units] = act(x [rows, input] · Wᵀ + b). Softmax is left to the loss and to the caller's output activation.</summary>
        // Fully optimised from the first call: the streaming path reaches its steady state at once instead of after
        // tiered compilation has caught up (measured: W1 Step at 1.3 µs for the first second, 0.7 µs after).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public static void Forward<T>(ReadOnlySpan<T> parameters, int offset, int input, int units, Activation activation,
            ReadOnlySpan<T> x, int rows, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var y2 = y.Slice(0, rows * units);
            if (rows == 1)
            {
                // Streaming: one dot product per unit, without the GEMM's setup.
                if (typeof(T) == typeof(float))
                {
                    var p = MemoryMarshal.Cast<T, float>(parameters);
                    var xf = MemoryMarshal.Cast<T, float>(x).Slice(0, input);
                    var yf = MemoryMarshal.Cast<T, float>(y2);
                    for (int u = 0; u < units; u++) yf[u] = SmallDot.Compute(p.Slice(offset + u * input, input), xf) + p[offset + units * input + u];
                }
                else
                {
                    for (int u = 0; u < units; u++)
                        y2[u] = TensorPrimitives.Dot<T>(parameters.Slice(offset + u * input, input), x.Slice(0, input)) + parameters[offset + units * input + u];
                }
            }
            else
            {
                Gemm.MatMulTransB(x, parameters.Slice(offset, units * input), y2, rows, units, input, accumulate: false);
                Rows.AddBias(y2, parameters.Slice(offset + units * input, units), rows, units);
            }
            if (activation != Activation.Softmax) Activate(activation, y2, y2);
        }

        /// <summary>
        /// Backward from dy (gradient of the activated output y; for the head, the gradient of the logits with
        /// <paramref name="activation"/> Linear): dy becomes the pre-activation gradient in place, dW += dyᵀx, db += Σdy,
        /// dx = dy·W when dx is not empty.
        /// </summary>
        public static void Backward<T>(ReadOnlySpan<T> parameters, Span<T> gradients, int offset, int input, int units, Activation activation,
            ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dy, int rows, Span<T> dx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var d = dy.Slice(0, rows * units);
            if (rows >= 2 * BatchParts.MinRows && (long)rows * units * input >= ParallelMin)
            {
                BackwardParts<T>.Run(parameters, gradients, offset, input, units, activation, x, y, d, rows, dx);
                return;
            }
            Derivative(activation, y.Slice(0, rows * units), d);
            Gemm.MatMulTransA<T>(d, x, gradients.Slice(offset, units * input), units, input, rows, accumulate: true);
            Rows.SumColumns<T>(d, gradients.Slice(offset + units * input, units), rows, units);
            if (!dx.IsEmpty) Gemm.MatMul<T>(d, parameters.Slice(offset, units * input), dx, rows, input, units, accumulate: false);
        }

        /// <summary>Below this many multiply-adds per product a Backward runs as one part.</summary>
        private const long ParallelMin = 1L << 18;

        /// <summary>
        /// Backward over many rows in two halves of the rows, on the kernel threads when they are free: each half takes its
        /// rows' activation derivative, its share of dW (dyᵀx over its rows) and of db, and its rows of dx, from rows its
        /// core wrote (batch-first rows: the halves of the batch when it is even, as <see cref="BatchParts"/> cuts it). The
        /// shares are added in order, the same on any number of threads.
        /// </summary>
        private sealed unsafe class BackwardParts<T> : KernelJob where T : unmanaged, IFloatingPointIeee754<T>
        {
            [ThreadStatic] private static BackwardParts<T>? t_job;
            private readonly T[][] _weights = { Array.Empty<T>(), Array.Empty<T>() }, _biases = { Array.Empty<T>(), Array.Empty<T>() };
            private T* _parameters, _x, _y, _dy, _dx;
            private int _offset, _input, _units, _rows, _cut;
            private bool _hasDx;
            private Activation _activation;

            public static void Run(ReadOnlySpan<T> parameters, Span<T> gradients, int offset, int input, int units, Activation activation,
                ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dy, int rows, Span<T> dx)
            {
                KernelChecks.Length(x.Length, (long)rows * input, nameof(x));
                KernelChecks.Length(y.Length, (long)rows * units, nameof(y));
                KernelChecks.Length(dy.Length, (long)rows * units, nameof(dy));
                if (!dx.IsEmpty) KernelChecks.Length(dx.Length, (long)rows * input, nameof(dx));
                KernelChecks.Length(parameters.Length, (long)offset + (long)units * input + units, nameof(parameters));
                KernelChecks.Length(gradients.Length, (long)offset + (long)units * input + units, nameof(gradients));
                var job = t_job ??= new BackwardParts<T>();
                for (int part = 0; part < 2; part++)
                {
                    Workspace.Ensure(ref job._weights[part], units * input);
                    Workspace.Ensure(ref job._biases[part], units);
                }
                var weights = parameters.Slice(offset, units * input + units);
                fixed (T* p = weights, xp = x, yp = y, dyp = dy, dxp = dx)
                {
                    job._parameters = p;
                    job._x = xp;
                    job._y = yp;
                    job._dy = dyp;
                    job._dx = dxp;
                    (job._offset, job._input, job._units, job._rows, job._cut, job._hasDx, job._activation) =
                        (offset, input, units, rows, rows / 2, !dx.IsEmpty, activation);
                    try
                    {
                        KernelParallel.RunParts(job, 2);
                    }
                    finally
                    {
                        job._parameters = job._x = job._y = job._dy = job._dx = null;
                    }
                }
                var gW = gradients.Slice(offset, units * input);
                var gB = gradients.Slice(offset + units * input, units);
                for (int part = 0; part < 2; part++)
                {
                    TensorPrimitives.Add<T>(gW, job._weights[part].AsSpan(0, units * input), gW);
                    TensorPrimitives.Add<T>(gB, job._biases[part].AsSpan(0, units), gB);
                }
            }

            public override void RunPart(int part)
            {
                int r0 = part == 0 ? 0 : _cut, rows = part == 0 ? _cut : _rows - _cut, input = _input, units = _units;
                var d = new Span<T>(_dy + (long)r0 * units, rows * units);
                Derivative(_activation, new ReadOnlySpan<T>(_y + (long)r0 * units, rows * units), d);
                var x = new ReadOnlySpan<T>(_x + (long)r0 * input, rows * input);
                Gemm.MatMulTransA<T>(d, x, _weights[part].AsSpan(0, units * input), units, input, rows, accumulate: false);
                var bias = _biases[part].AsSpan(0, units);
                bias.Clear();
                Rows.SumColumns<T>(d, bias, rows, units);
                if (_hasDx)
                    Gemm.MatMul<T>(d, new ReadOnlySpan<T>(_parameters, units * input), new Span<T>(_dx + (long)r0 * input, rows * input), rows, input, units, accumulate: false);
            }
        }

        /// <summary>y = act(x) elementwise (softmax by rows of <paramref name="columns"/>).</summary>
        public static void Activate<T>(Activation activation, ReadOnlySpan<T> x, Span<T> y, int columns = 0)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (activation)
            {
                case Activation.Sigmoid: Elementwise.Sigmoid(x, y); break;
                case Activation.Tanh: Elementwise.Tanh(x, y); break;
                case Activation.Relu: Elementwise.Relu(x, y); break;
                case Activation.Softmax: Elementwise.SoftmaxRows(x, y, x.Length / columns, columns); break;
                default: if (!x.Overlaps(y)) x.CopyTo(y); break;
            }
        }

        private static void Derivative<T>(Activation activation, ReadOnlySpan<T> y, Span<T> dy)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (activation)
            {
                case Activation.Sigmoid:
                    for (int i = 0; i < dy.Length; i++) dy[i] *= y[i] * (T.One - y[i]);
                    break;
                case Activation.Tanh:
                    for (int i = 0; i < dy.Length; i++) dy[i] *= T.One - y[i] * y[i];
                    break;
                case Activation.Relu:
                    for (int i = 0; i < dy.Length; i++) if (!(y[i] > T.Zero)) dy[i] = T.Zero;
                    break;
            }
        }
    }
}
