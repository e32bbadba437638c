using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Rnn.Kernels
{
    /// <summary>A unit of parallel kernel work split into numbered parts; implementations are preallocated and reused.</summary>
    internal abstract class KernelJob
    {
        /// <summary>Runs part <paramref name="part"/> of the job.</summary>
        public abstract void RunPart(int part);
    }

    /// <summary>
    /// A tiny allocation-free fork/join pool of dedicated background threads for the kernels.
    /// One job runs at a time; a caller that finds the pool busy runs all parts itself, which gives the
    /// same result because every part writes its own outputs.
    /// </summary>
    /// <remarks>
    /// Workers spin for a short while after each job before blocking, so that back-to-back calls
    /// (one per recurrent step) do not pay the operating system's wake-up latency every time.
    /// </remarks>
    internal static class KernelParallel
    {
        private static readonly object s_gate = new();
        private static readonly long s_spinTicks = Stopwatch.Frequency / 5000; // 200 µs
        private static Worker[] s_workers = Array.Empty<Worker>();
        private static KernelJob? s_job;
        private static int s_remaining;
        private static Exception? s_error;

        /// <summary>Runs parts <c>0 … parts-1</c> of <paramref name="job"/>, part 0 on the calling thread, and returns when all are done.</summary>
        public static void Run(KernelJob job, int parts)
        {
            if (parts <= 1 || !Monitor.TryEnter(s_gate))
            {
                for (int part = 0; part < parts; part++)
                {
                    job.RunPart(part);
                }

                return;
            }

            try
            {
                EnsureWorkers(parts - 1);
                s_job = job;
                s_error = null;
                Volatile.Write(ref s_remaining, parts - 1);
                for (int w = 0; w < parts - 1; w++)
                {
                    s_workers[w].Start(w + 1);
                }

                try
                {
                    job.RunPart(0);
                }
                finally
                {
                    WaitForWorkers();
                    s_job = null;
                }

                Exception? error = s_error;
                if (error is not null)
                {
                    s_error = null;
                    ExceptionDispatchInfo.Capture(error).Throw();
                }
            }
            finally
            {
                Monitor.Exit(s_gate);
            }
        }

        /// <summary>
        /// The workers normally finish at about the same time as the caller, so spin with pause instructions (no
        /// yielding, which on a busy machine can cost a whole time slice); after ~1 ms fall back to yielding.
        /// </summary>
        private static void WaitForWorkers()
        {
            long deadline = 0;
            int iterations = 0;
            SpinWait slow = default;
            while (Volatile.Read(ref s_remaining) != 0)
            {
                if (deadline == 0 || (++iterations & 63) != 0 || Stopwatch.GetTimestamp() < deadline)
                {
                    if (deadline == 0)
                    {
                        deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 1000);
                    }

                    Thread.SpinWait(1);
                }
                else
                {
                    slow.SpinOnce(-1);
                }
            }
        }

        private static void EnsureWorkers(int count)
        {
            if (s_workers.Length >= count)
            {
                return;
            }

            var workers = new Worker[count];
            Array.Copy(s_workers, workers, s_workers.Length);
            for (int i = s_workers.Length; i < count; i++)
            {
                workers[i] = new Worker(i);
            }

            s_workers = workers;
        }

        private sealed class Worker
        {
            private readonly SemaphoreSlim _start = new(0);
            private int _part;

            public Worker(int index)
            {
                var thread = new Thread(Loop)
                {
                    IsBackground = true,
                    Name = "RnnGen kernel worker " + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                thread.Start();
            }

            public void Start(int part)
            {
                _part = part;
                _start.Release();
            }

            private void Loop()
            {
                while (true)
                {
                    if (!_start.Wait(0))
                    {
                        // Spin (pause, never yield) for a while: the next job usually follows within microseconds.
                        long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
                        int iterations = 0;
                        while (_start.CurrentCount == 0)
                        {
                            Thread.SpinWait(1);
                            if ((++iterations & 63) == 0 && Stopwatch.GetTimestamp() > deadline)
                            {
                                break;
                            }
                        }

                        _start.Wait();
                    }

                    try
                    {
                        s_job!.RunPart(Volatile.Read(ref _part));
                    }
                    catch (Exception e)
                    {
                        s_error = e;
                    }
                    finally
                    {
                        Interlocked.Decrement(ref s_remaining);
                    }
                }
            }
        }
    }
}
