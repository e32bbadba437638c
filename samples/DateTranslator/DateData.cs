using Rnn;

namespace DateTranslatorSample;

/// <summary>One example: the written date, its form, and the ISO answer.</summary>
public sealed record DateExample(string Source, string Target, DateForm Form, DateOnly Date);

/// <summary>
/// The days from 1900-01-01 to 2099-12-31 split by a seeded shuffle into training, validation and held-out (test) days:
/// a held-out day (its day, month and year together) never appears in any form in training or validation.
/// </summary>
public sealed class DateData
{
    public const int TestDays = 3000;
    public const int ValidationDays = 1000;

    private DateData(DateOnly[] train, DateOnly[] validation, DateOnly[] test) => (Train, Validation, Test) = (train, validation, test);

    public DateOnly[] Train { get; }
    public DateOnly[] Validation { get; }
    public DateOnly[] Test { get; }

    public static DateData Split(int seed)
    {
        int count = DateText.Last.DayNumber - DateText.First.DayNumber + 1;
        var days = new DateOnly[count];
        for (int i = 0; i < count; i++) days[i] = DateOnly.FromDayNumber(DateText.First.DayNumber + i);
        var random = new RandomSource(Seeds.Derive(seed, Seeds.Split));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (days[i], days[j]) = (days[j], days[i]);
        }
        return new DateData(days[(TestDays + ValidationDays)..], days[TestDays..(TestDays + ValidationDays)], days[..TestDays]);
    }

    /// <summary><paramref name="count"/> examples of random days from <paramref name="days"/>, in random forms with random variations.</summary>
    public static List<DateExample> Sample(DateOnly[] days, int count, RandomSource random)
    {
        var examples = new List<DateExample>(count);
        for (int i = 0; i < count; i++)
        {
            var date = days[random.NextInt(days.Length)];
            var form = DateText.Forms[random.NextInt(DateText.Forms.Length)];
            examples.Add(new DateExample(DateText.Write(date, form, Variation.Draw(random)), DateText.Iso(date), form, date));
        }
        return examples;
    }
}

/// <summary>Every random stream of a run comes from the one --seed, each through its own derived seed.</summary>
public static class Seeds
{
    public const ulong Split = 0x5B117, Training = 0x7EA1, Validation = 0xFA11D, Batches = 0xBA7C4, Report = 0x4E907;

    public static ulong Derive(int seed, ulong stream) => unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) ^ stream);
}
