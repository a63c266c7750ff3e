using System.Globalization;

namespace CustomerPortal.Domain;

/// <summary>An amount of money in whole minor units (cents). Never a double.</summary>
public readonly record struct Money(long Cents) : IComparable<Money>
{
    private static readonly CultureInfo UsCulture = CultureInfo.GetCultureInfo("en-US");

    public static Money Zero => new(0);

    public static Money FromCents(long cents) => new(cents);

    public bool IsZero => Cents == 0;
    public bool IsPositive => Cents > 0;
    public bool IsNegative => Cents < 0;

    public static Money operator +(Money a, Money b) => new(checked(a.Cents + b.Cents));
    public static Money operator -(Money a, Money b) => new(checked(a.Cents - b.Cents));
    public static bool operator <(Money a, Money b) => a.Cents < b.Cents;
    public static bool operator >(Money a, Money b) => a.Cents > b.Cents;
    public static bool operator <=(Money a, Money b) => a.Cents <= b.Cents;
    public static bool operator >=(Money a, Money b) => a.Cents >= b.Cents;

    public static Money Min(Money a, Money b) => a.Cents <= b.Cents ? a : b;

    public int CompareTo(Money other) => Cents.CompareTo(other.Cents);

    /// <summary>Dollars and cents as a customer reads them: "$1,234.56", "-$3.00".</summary>
    public string Format()
    {
        var abs = Cents < 0 ? -(decimal)Cents : Cents;
        var text = (abs / 100m).ToString("C2", UsCulture);
        return Cents < 0 ? "-" + text : text;
    }

    /// <summary>Plain decimal text without symbol or grouping: "1234.56" (for form fields).</summary>
    public string ToPlainString() => (Cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    public override string ToString() => Format();

    /// <summary>
    /// Parses what a person types into an amount field: "12", "12.5", "12.50", "$1,234.56".
    /// Refuses empty, non-numbers, more than two decimals, and values beyond a 64-bit count of cents.
    /// Sign is kept so the caller can say "must be more than zero".
    /// </summary>
    public static bool TryParse(string? text, out Money money, out string error)
    {
        money = Zero;
        error = "";
        var s = (text ?? "").Trim();
        var negative = false;
        if (s.StartsWith('-')) { negative = true; s = s[1..].TrimStart(); }
        if (s.StartsWith('$')) s = s[1..].TrimStart();
        if (!negative && s.StartsWith('-')) { negative = true; s = s[1..].TrimStart(); }
        if (s.Length == 0) { error = "Enter an amount."; return false; }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? "" : s[(dot + 1)..];
        // A comma is only a thousands separator ("1,234.56"). Dropping commas anywhere read "12,50" (a decimal comma)
        // as $1,250.00 — a hundred times what the customer meant.
        if (whole.Contains(',', StringComparison.Ordinal))
        {
            if (!IsGroupedThousands(whole))
            {
                error = "Enter the amount as a number, like 125.50.";
                return false;
            }
            whole = whole.Replace(",", "", StringComparison.Ordinal);
        }
        if (whole.Length == 0) whole = "0";
        if (!whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit)
            || (dot >= 0 && fraction.Length == 0 && whole == "0" && s == "."))
        {
            error = "Enter the amount as a number, like 125.50.";
            return false;
        }
        if (fraction.Length > 2)
        {
            error = "Enter the amount with at most two decimals (cents).";
            return false;
        }
        if (!long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out var dollars)
            || dollars > (long.MaxValue / 100) - 1)
        {
            error = "That amount is too large.";
            return false;
        }
        var cents = dollars * 100
            + (fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(2, '0'), CultureInfo.InvariantCulture));
        money = new Money(negative ? -cents : cents);
        return true;
    }

    private static bool IsGroupedThousands(string whole)
    {
        var groups = whole.Split(',');
        return groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3);
    }
}
