using System;
using System.Numerics;
using Rnn.Layers;

namespace Rnn.Seq2Seq
{
    public sealed partial class Seq2SeqNetwork<T>
    {
        private T[] _weights = Array.Empty<T>();          // [output steps, S] of the last decode
        private int _weightRows;
        // Beam search: per beam its score, tokens and attention rows; the candidates of a step; finished hypotheses.
        private T[] _beamScore = Array.Empty<T>(), _beamWeights = Array.Empty<T>(), _beamWeightsNext = Array.Empty<T>();
        private T[] _logProbabilities = Array.Empty<T>(), _reorderScratch = Array.Empty<T>(), _hReplicated = Array.Empty<T>();
        private int[] _beamTokens = Array.Empty<int>(), _beamTokensNext = Array.Empty<int>(), _parents = Array.Empty<int>(), _nextTokens = Array.Empty<int>();
        private T[] _nextScore = Array.Empty<T>();
        private int[] _bestTokens = Array.Empty<int>();
        private T[] _bestWeights = Array.Empty<T>();
        private int[] _sourceLengths = Array.Empty<int>();

        /// <summary>The attention weights of the last <see cref="Translate"/> or <see cref="BeamSearch"/>: [output length, source length], row t = α of output step t.</summary>
        public ReadOnlySpan<T> AttentionWeights => _weights.AsSpan(0, _weightRows * _sources);

        /// <summary>
        /// Greedy decoding of one source sequence: each step feeds the most likely token back until EndToken (not written)
        /// or <paramref name="maxLength"/> tokens. Returns the number of tokens written. Allocates nothing after the first call with these sizes.
        /// </summary>
        public int Translate(ReadOnlySpan<int> source, Span<int> output, int maxLength)
        {
            Begin(source, output, maxLength, width: 1, beam: false);
            Span<int> token = stackalloc int[1];
            token[0] = _shape.StartToken;
            int length = 0;
            for (int t = 0; t < maxLength; t++)
            {
                DecoderStep(t, token);
                int next = ArgMax(_stepLogits.AsSpan(0, _vocabulary));
                _attention.Weights(t, 0).CopyTo(_weights.AsSpan(t * _sources, _sources));
                if (next == _shape.EndToken) break;
                output[length++] = next;
                token[0] = next;
            }
            _weightRows = length;
            return length;
        }

        /// <summary>
        /// Beam search over <paramref name="width"/> hypotheses: a hypothesis ends at EndToken, and the best ended one by
        /// log P / length^<paramref name="lengthPenalty"/> (length counting EndToken) wins; if none ends within
        /// <paramref name="maxLength"/> steps, the best open one. Returns the tokens written (without EndToken).
        /// Allocates nothing after the first call with these sizes.
        /// </summary>
        public int BeamSearch(ReadOnlySpan<int> source, Span<int> output, int maxLength, int width, float lengthPenalty = 1f)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
            Begin(source, output, maxLength, width, beam: true);
            int s = _sources, v = _vocabulary;
            var score = _beamScore.AsSpan(0, width);
            score.Fill(T.NegativeInfinity);
            score[0] = T.Zero;   // the beams start identical: only one may expand at first
            var tokens = _beamTokens.AsSpan(0, width * maxLength);
            var weights = _beamWeights.AsSpan(0, width * maxLength * s);
            Span<int> input = _nextTokens.AsSpan(0, width);
            input.Fill(_shape.StartToken);
            T bestScore = T.NegativeInfinity;
            int bestLength = -1;
            T penalty = T.CreateChecked(lengthPenalty);
            for (int t = 0; t < maxLength; t++)
            {
                DecoderStep(t, input);
                var logP = _logProbabilities.AsSpan(0, width * v);
                for (int j = 0; j < width; j++) LogSoftmax(_stepLogits.AsSpan(j * v, v), logP.Slice(j * v, v));
                for (int j = 0; j < width; j++)
                    _attention.Weights(t, j).CopyTo(weights.Slice((j * maxLength + t) * s, s));
                // The best `width` continuations of the open beams; an EndToken continuation ends a hypothesis.
                var nextScore = _nextScore.AsSpan(0, width);
                var parents = _parents.AsSpan(0, width);
                var chosen = _beamTokensNext.AsSpan(0, width);
                int kept = 0;
                while (kept < width)
                {
                    T best = T.NegativeInfinity;
                    int bestJ = -1, bestV = -1;
                    for (int j = 0; j < width; j++)
                    {
                        if (T.IsNegativeInfinity(score[j])) continue;
                        for (int k = 0; k < v; k++)
                        {
                            T candidate = score[j] + logP[j * v + k];
                            if (candidate > best && !Taken(parents, chosen, kept, j, k)) { best = candidate; bestJ = j; bestV = k; }
                        }
                    }
                    if (bestJ < 0) break;
                    if (bestV == _shape.EndToken)
                    {
                        T normalised = best / T.Pow(T.CreateChecked(t + 1), penalty);
                        if (normalised > bestScore)
                        {
                            bestScore = normalised;
                            bestLength = t;
                            tokens.Slice(bestJ * maxLength, t).CopyTo(_bestTokens);
                            weights.Slice(bestJ * maxLength * s, (t + 1) * s).CopyTo(_bestWeights);
                        }
                        // Mark it taken without keeping it open.
                        parents[kept] = bestJ;
                        chosen[kept] = bestV;
                        nextScore[kept] = T.NegativeInfinity;
                        kept++;
                        continue;
                    }
                    parents[kept] = bestJ;
                    chosen[kept] = bestV;
                    nextScore[kept] = best;
                    kept++;
                }
                for (int j = kept; j < width; j++) { parents[j] = 0; chosen[j] = _shape.EndToken; nextScore[j] = T.NegativeInfinity; }
                // Every slot's history: its parent's tokens and attention rows, then the chosen token.
                var nextTokens = _beamTokensNext.AsSpan(width, width * maxLength);
                var nextWeights = _beamWeightsNext.AsSpan(0, width * maxLength * s);
                for (int j = 0; j < width; j++)
                {
                    tokens.Slice(parents[j] * maxLength, t).CopyTo(nextTokens.Slice(j * maxLength, t));
                    nextTokens[j * maxLength + t] = chosen[j];
                    weights.Slice(parents[j] * maxLength * s, (t + 1) * s).CopyTo(nextWeights.Slice(j * maxLength * s, (t + 1) * s));
                }
                nextTokens.CopyTo(tokens);
                nextWeights.CopyTo(weights);
                nextScore.CopyTo(score);
                // A beam that ended leaves its slot empty: the search ends when every slot has ended (or at maxLength).
                bool open = false;
                for (int j = 0; j < width; j++) open |= !T.IsNegativeInfinity(nextScore[j]);
                if (!open || t == maxLength - 1) break;
                _decoder.Reorder(parents, _reorderScratch);
                for (int j = 0; j < width; j++) input[j] = chosen[j] == _shape.EndToken ? _shape.StartToken : chosen[j];
            }
            if (bestLength < 0)
            {
                // Nothing ended: the best open beam, all maxLength tokens.
                int best = 0;
                for (int j = 1; j < width; j++) if (score[j] > score[best]) best = j;
                bestLength = maxLength;
                tokens.Slice(best * maxLength, maxLength).CopyTo(_bestTokens);
                weights.Slice(best * maxLength * s, maxLength * s).CopyTo(_bestWeights);
            }
            _bestTokens.AsSpan(0, bestLength).CopyTo(output);
            _bestWeights.AsSpan(0, bestLength * s).CopyTo(_weights);
            _weightRows = bestLength;
            return bestLength;
        }

        private static bool Taken(ReadOnlySpan<int> parents, ReadOnlySpan<int> chosen, int count, int parent, int token)
        {
            for (int i = 0; i < count; i++) if (parents[i] == parent && chosen[i] == token) return true;
            return false;
        }

        private static void LogSoftmax(ReadOnlySpan<T> logits, Span<T> logP)
        {
            T max = logits[0];
            for (int i = 1; i < logits.Length; i++) if (logits[i] > max) max = logits[i];
            T sum = T.Zero;
            for (int i = 0; i < logits.Length; i++) sum += T.Exp(logits[i] - max);
            T log = T.Log(sum) + max;
            for (int i = 0; i < logits.Length; i++) logP[i] = logits[i] - log;
        }

        /// <summary>Encodes one source and readies the decoder for <paramref name="width"/> rows (the encoding replicated).</summary>
        private void Begin(ReadOnlySpan<int> source, Span<int> output, int maxLength, int width, bool beam)
        {
            if (source.IsEmpty) throw new ArgumentException("source must hold at least one token.", nameof(source));
            ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
            if (output.Length < maxLength) throw new ArgumentException($"output holds {output.Length} tokens, but maxLength is {maxLength}.", nameof(output));
            int s = source.Length;
            Workspace.Ensure(ref _final, width * _de);   // before encoding: growing it later would lose the final state
            RunEncoder(source, default, 1, s);
            Workspace.Ensure(ref _weights, maxLength * s);
            Workspace.Ensure(ref _bestWeights, maxLength * s);
            Workspace.Ensure(ref _bestTokens, maxLength);
            if (width > 1)
            {
                // Every beam reads the same encoding: replicate H [S, D_e] to [S, width, D_e] and f to [width, D_e].
                Workspace.Ensure(ref _hReplicated, s * width * _de);
                var h = _enc[^1];
                for (int j = s - 1; j >= 0; j--)
                    for (int r = 0; r < width; r++)
                        h.AsSpan(j * _de, _de).CopyTo(_hReplicated.AsSpan((j * width + r) * _de, _de));
                Workspace.Ensure(ref _enc[^1], s * width * _de);
                _hReplicated.AsSpan(0, s * width * _de).CopyTo(_enc[^1]);
                for (int r = 1; r < width; r++) _final.AsSpan(0, _de).CopyTo(_final.AsSpan(r * _de, _de));
                _batch = width;
            }
            if (beam)
            {
                Workspace.Ensure(ref _beamScore, width);
                Workspace.Ensure(ref _nextScore, width);
                Workspace.Ensure(ref _parents, width);
                Workspace.Ensure(ref _nextTokens, width);
                Workspace.Ensure(ref _beamTokens, width * maxLength);
                Workspace.Ensure(ref _beamTokensNext, width + width * maxLength);
                Workspace.Ensure(ref _beamWeights, width * maxLength * s);
                Workspace.Ensure(ref _beamWeightsNext, width * maxLength * s);
                Workspace.Ensure(ref _logProbabilities, width * _vocabulary);
                Workspace.Ensure(ref _reorderScratch, width * _hd);
            }
            Workspace.Ensure(ref _sourceLengths, width);
            _sourceLengths.AsSpan(0, width).Fill(s);
            BeginDecoder(width, maxLength, _sourceLengths.AsSpan(0, width));
        }
    }
}
