using System;
using System.IO;

namespace Rnn;

/// <summary>Replaces a file all at once: readers see either the old contents or the complete new ones.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes a temporary file in <paramref name="path"/>'s directory, flushes it to disk, then moves it over
    /// <paramref name="path"/>. If anything fails, the temporary file is deleted and an existing file is left untouched.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the new contents.</param>
    internal static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>Deletes a file if it can; a failure here must not hide the error being handled.</summary>
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
