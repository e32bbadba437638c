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
    /// Workers spin for a short while (2 ms) after each job before blocking, so that back-to-back calls
    /// (the GEMMs and batch chunks of a training step) do not pay the operating system's wake-up latency every time.
    /// Every part is claimed before it runs; after its own part the caller claims and runs any part whose worker has
    /// not started yet (e.g. because the machine is busy and the worker was not scheduled), so a call never waits
    /// for a thread that is not running. Each part is still computed whole by one thread with the same code.
    /// </remarks>
    internal static class KernelParallel
    {
        private static readonly object s_gate = new();
        // 2 ms: a training step has serial stretches of a few hundred µs between its parallel jobs (loss, optimizer, layout);
        // a worker that had gone to sleep in one took 35–45 µs to start its next part (measured on W2, 2 threads, seven
        // jobs a step), one still spinning 2 µs. OpenMP runtimes spin for similar times (GOMP_SPINCOUNT, KMP_BLOCKTIME).
        private static readonly long s_spinTicks = Stopwatch.Frequency / 500;
        private static Worker[] s_workers = Array.Empty<Worker>();
        private static int[] s_claimed = Array.Empty<int>();
        private static KernelJob? s_job;
        private static int s_remaining;
        private static Exception? s_error;
        private static int s_parallelRuns;

        // Set on a thread while it runs parts of a job (always on the workers): a kernel called from a part runs on its own
        // thread without touching the pool's shared state, which the other core is using (every such touch moves cache
        // lines between the cores; per-step GEMMs inside the batch chunks made it thousands of times per Forward).
        [ThreadStatic] private static bool t_inPart;

        /// <summary>Whether this thread is running a part of a job: a kernel called now should not fork.</summary>
        public static bool InPart => t_inPart;

        /// <summary>Jobs handed to the workers so far (GEMMs and batch chunks alike), for tests that must know threads ran.</summary>
        internal static int ParallelRuns => Volatile.Read(ref s_parallelRuns);

        /// <summary>
        /// Runs a job cut into a fixed number of parts (chosen from the sizes, never from the thread count): on the kernel
        /// threads when <see cref="KernelOptions.MaxThreads"/> allows and this thread is not running a part already,
        /// else one part after the other here. The caller runs part 0 and the first worker part 1 (unless it has not started
        /// when the caller is done, or the pool is busy: then the caller runs it), so phases cut the same way normally find
        /// their rows in their own core's caches.
        /// </summary>
        public static void RunParts(KernelJob job, int parts)
        {
            if (parts > 1 && KernelOptions.MaxThreads > 1 && !t_inPart)
            {
                Run(job, parts);
                return;
            }

            for (int part = 0; part < parts; part++)
            {
                job.RunPart(part);
            }
        }

        /// <summary>Runs parts <c>0 … parts-1</c> of <paramref name="job"/>, part 0 on the calling thread, and returns when all are done.</summary>
        public static void Run(KernelJob job, int parts)
        {
            if (parts <= 1 || !TryEnterIdle())
            {
                for (int part = 0; part < parts; part++)
                {
                    job.RunPart(part);
                }

                return;
            }

            try
            {
                Interlocked.Increment(ref s_parallelRuns);
                EnsureWorkers(parts - 1);
                s_job = job;
                s_error = null;
                Volatile.Write(ref s_remaining, parts - 1);
                for (int part = 1; part < parts; part++)
                {
                    Volatile.Write(ref s_claimed[part], 0);
                }

                for (int w = 0; w < parts - 1; w++)
                {
                    s_workers[w].Start(w + 1);
                }

                t_inPart = true;
                try
                {
                    job.RunPart(0);
                    for (int part = 1; part < parts; part++)
                    {
                        if (Interlocked.Exchange(ref s_claimed[part], 1) == 0)
                        {
                            RunClaimed(job, part);
                        }
                    }
                }
                finally
                {
                    t_inPart = false;
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
        /// Waits for parts that workers have claimed and are running: they normally finish at about the same time as
        /// the caller, so spin with pause instructions (no yielding, which on a busy machine can cost a whole time
        /// slice); after ~1 ms fall back to yielding.
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

        /// <summary>
        /// Enters the gate when no job is running. A job's part that calls a kernel again finds it taken (a worker's
        /// part) or entered by its own thread with a job running (the caller's part: the monitor is re-entrant); either
        /// way it gets false and runs that kernel's parts itself.
        /// </summary>
        private static bool TryEnterIdle()
        {
            if (!Monitor.TryEnter(s_gate)) return false;
            if (s_job is null) return true;
            Monitor.Exit(s_gate);
            return false;
        }

        /// <summary>Runs a part this thread has claimed and counts it as done.</summary>
        private static void RunClaimed(KernelJob job, int part)
        {
            try
            {
                job.RunPart(part);
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

        private static void EnsureWorkers(int count)
        {
            if (s_claimed.Length < count + 1)
            {
                int[] claimed = new int[count + 1];
                Array.Fill(claimed, 1);
                s_claimed = claimed;
            }

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
                t_inPart = true;
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

                    // The claim is a full fence: once it succeeds, s_job is the job the part belongs to, and that
                    // job cannot finish (and s_job cannot change) before this part is counted as done. A worker that
                    // wakes late finds its part already claimed and goes back to waiting.
                    int part = Volatile.Read(ref _part);
                    if (Interlocked.Exchange(ref s_claimed[part], 1) == 0)
                    {
                        RunClaimed(s_job!, part);
                    }
                }
            }
        }
    }
}
