using System.IO;

namespace Rnn;

/// <summary>
/// Thrown when a safetensors file is malformed, or when a tensor in it is missing or cannot be read
/// as the requested element type. The message names the problem and, where there is one, the tensor.
/// </summary>
public sealed class SafetensorsException : IOException
{
    /// <summary>Creates an exception that is not about one tensor in particular.</summary>
    /// <param name="message">What is wrong with the file.</param>
    public SafetensorsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the error that revealed the problem.</summary>
    /// <param name="message">What is wrong with the file.</param>
    /// <param name="innerException">The error that revealed the problem.</param>
    public SafetensorsException(string message, System.Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Creates an exception about one tensor (the argument order follows
    /// <see cref="System.ArgumentException(string, string)"/>).
    /// </summary>
    /// <param name="message">What is wrong, naming the tensor.</param>
    /// <param name="tensorName">The tensor at fault.</param>
    public SafetensorsException(string message, string tensorName)
        : base(message)
    {
        TensorName = tensorName;
    }

    /// <summary>Creates an exception about one tensor, with the error that revealed the problem.</summary>
    /// <param name="message">What is wrong, naming the tensor.</param>
    /// <param name="tensorName">The tensor at fault.</param>
    /// <param name="innerException">The error that revealed the problem.</param>
    public SafetensorsException(string message, string tensorName, System.Exception innerException)
        : base(message, innerException)
    {
        TensorName = tensorName;
    }

    /// <summary>An exception whose message is "Tensor '<paramref name="tensorName"/>': <paramref name="problem"/>".</summary>
    internal static SafetensorsException ForTensor(string tensorName, string problem, System.Exception? innerException = null) =>
        innerException is null
            ? new($"Tensor '{tensorName}': {problem}", tensorName)
            : new($"Tensor '{tensorName}': {problem}", tensorName, innerException);

    /// <summary>The tensor at fault, or <see langword="null"/> when the problem is with the file as a whole.</summary>
    public string? TensorName { get; }
}
