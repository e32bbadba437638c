using System;

namespace Rnn
{
    /// <summary>
    /// Marks a <c>partial</c> class as a recurrent model. The layer attributes on the class, in the
    /// order they are written, describe the network; the source generator writes the rest.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class RnnModelAttribute : Attribute
    {
        /// <summary>Features per step for float inputs. Leave 0 when the model starts with <see cref="EmbeddingAttribute"/> or <see cref="OneHotAttribute"/>.</summary>
        public int Input { get; set; }

        /// <summary>Many-to-many (<see cref="Rnn.Returns.Sequence"/>, the default) or many-to-one (<see cref="Rnn.Returns.Last"/>).</summary>
        public Returns Returns { get; set; } = Returns.Sequence;
    }
}
