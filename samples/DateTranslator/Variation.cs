using Rnn;

namespace DateTranslatorSample;

/// <summary>How a name is cased: as the form writes it, or Title, UPPER or lower.</summary>
public enum NameCase { Form, Title, Upper, Lower }

/// <summary>
/// The small ways someone else might write the same form: other casing, zero-padded or unpadded days, "Sept", "Tues",
/// "Thurs", "Mar.", an ordinal or a comma more or less, spaces before and after. <see cref="Canonical"/> changes nothing.
/// </summary>
public readonly record struct Variation
{
    public static readonly Variation Canonical = new();

    /// <summary>Casing of the month and weekday names.</summary>
    public NameCase Names { get; init; }

    /// <summary>Casing of the whole text afterwards (Form = unchanged): "3RD OF MARCH 1987".</summary>
    public NameCase Whole { get; init; }

    /// <summary>Textual forms: "03 March"; numeric forms: the opposite, "3.3.1987".</summary>
    public bool Padding { get; init; }

    /// <summary>Abbreviations "Sept", "June", "July" instead of "Sep", "Jun", "Jul".</summary>
    public bool LongAbbreviation { get; init; }

    /// <summary>Weekday abbreviations "Tues", "Weds", "Thur" (or "Thurs" with <see cref="Thurs"/>).</summary>
    public bool LongWeekday { get; init; }

    public bool Thurs { get; init; }

    /// <summary>A period after abbreviations: "Mar. 3, 1987".</summary>
    public bool AbbreviationPeriod { get; init; }

    /// <summary>An ordinal day in a form written with a plain number: "3rd March 1987".</summary>
    public bool Ordinal { get; init; }

    /// <summary>Commas dropped where the form has them, or one added after the weekday of "Tue, 3 Mar 1987".</summary>
    public bool Commas { get; init; }

    public int Leading { get; init; }

    public int Trailing { get; init; }

    /// <summary>
    /// Half the time the canonical form; otherwise each variation on its own with a small probability, so that the twelve
    /// canonical forms stay by far the most frequent texts.
    /// </summary>
    public static Variation Draw(RandomSource random)
    {
        if (random.NextDouble() < 0.5) return Canonical;
        return new Variation
        {
            Names = random.NextDouble() < 0.4 ? (NameCase)(1 + random.NextInt(3)) : NameCase.Form,
            Whole = random.NextDouble() < 0.15 ? (random.NextDouble() < 0.5 ? NameCase.Upper : NameCase.Lower) : NameCase.Form,
            Padding = random.NextDouble() < 0.25,
            LongAbbreviation = random.NextDouble() < 0.5,
            LongWeekday = random.NextDouble() < 0.35,
            Thurs = random.NextDouble() < 0.5,
            AbbreviationPeriod = random.NextDouble() < 0.1,
            Ordinal = random.NextDouble() < 0.15,
            Commas = random.NextDouble() < 0.12,
            Leading = random.NextDouble() < 0.25 ? 1 + random.NextInt(3) : 0,
            Trailing = random.NextDouble() < 0.25 ? 1 + random.NextInt(3) : 0,
        };
    }
}
