using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace Rnn.Package.Tests
{
    /// <summary>Runs the dotnet CLI as a user would, in a clean environment, and returns its exit code and output.</summary>
    public static class Dotnet
    {
        public sealed record Result(int ExitCode, string Output, string Command)
        {
            public override string ToString() => "$ " + Command + " (exit " + ExitCode + ")\n" + Output;
        }

        /// <summary>The dotnet host running the tests (so the same SDK builds the consumers).</summary>
        private static string Host()
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
            string? self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }

        public static Result Run(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
            Exec(Host(), workingDirectory, timeout, arguments);

        public static Result Exec(string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
        {
            var info = new ProcessStartInfo(program)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments) info.ArgumentList.Add(argument);
            // What `dotnet test` sets for its own MSBuild must not leak into the user's build.
            var inherited = new List<string>();
            foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables()) inherited.Add((string)e.Key);
            foreach (string key in inherited)
            {
                if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                    || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
                    info.Environment.Remove(key);
            }
            info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            info.Environment["DOTNET_NOLOGO"] = "1";
            info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            // No build servers or reused nodes: they would outlive the command and hold its output pipes open.
            info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            info.Environment["UseSharedCompilation"] = "false";

            var output = new StringBuilder();
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            string command = program + " " + string.Join(" ", arguments);
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException("Timed out after " + timeout + ": " + command + "\n" + output);
            }
            process.WaitForExit();
            lock (output) return new Result(process.ExitCode, output.ToString(), command);
        }
    }
}
