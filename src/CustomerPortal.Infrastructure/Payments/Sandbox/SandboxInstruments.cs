namespace CustomerPortal.Infrastructure.Payments.Sandbox;

/// <summary>
/// The sandbox's test instruments (payments.md) and the checks a processor makes when a number is entered.
/// Only the behaviour derived here is stored, never the number.
/// </summary>
public static class SandboxInstruments
{
    public const string TestRoutingNumber = "110000000";

    internal static class Behaviours
    {
        public const string Succeed = "succeed";
        public const string CardDeclined = "card_declined";
        public const string InsufficientFunds = "insufficient_funds";
        public const string ExpiredCard = "expired_card";
        public const string RequiresAuthentication = "requires_3ds";
        public const string AchSucceed = "ach_succeed";
        public const string AchR01 = "ach_R01";
        public const string AchR02 = "ach_R02";
        public const string AchR03 = "ach_R03";
        public const string AchR04 = "ach_R04";

        /// <summary>The return code a returned debit's behaviour stands for ("ach_R01" → "R01"), else null.</summary>
        public static string? ReturnCode(string behaviour) =>
            behaviour.StartsWith("ach_R", StringComparison.Ordinal) ? behaviour["ach_".Length..] : null;
    }

    internal static string CardBehaviour(string digits) => digits switch
    {
        "4000000000000002" => Behaviours.CardDeclined,
        "4000000000009995" => Behaviours.InsufficientFunds,
        "4000002500003155" => Behaviours.RequiresAuthentication,
        "4000000000000069" => Behaviours.ExpiredCard,
        _ => Behaviours.Succeed,
    };

    internal static string BankBehaviour(string account) => account switch
    {
        "000111111116" => Behaviours.AchR01,
        "000111111113" => Behaviours.AchR02,
        "000111111103" => Behaviours.AchR03,
        "000111111104" => Behaviours.AchR04,
        _ => Behaviours.AchSucceed,
    };

    public static string CardBrand(string digits) => digits switch
    {
        ['4', ..] => "Visa",
        ['3', '4' or '7', ..] => "American Express",
        ['5', '1' or '2' or '3' or '4' or '5', ..] => "Mastercard",
        ['2', ..] when int.Parse(digits[..4], System.Globalization.CultureInfo.InvariantCulture) is >= 2221 and <= 2720
            => "Mastercard",
        ['6', '0', '1', '1', ..] or ['6', '5', ..] => "Discover",
        _ => "Card",
    };

    public static bool PassesLuhn(string digits)
    {
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt && (d *= 2) > 9) d -= 9;
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>The ABA routing number checksum (3-7-1 weights).</summary>
    public static bool IsValidRoutingNumber(string routing)
    {
        if (routing.Length != 9 || !routing.All(char.IsAsciiDigit)) return false;
        int[] weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
        return routing.Select((c, i) => (c - '0') * weights[i]).Sum() % 10 == 0;
    }

    public static string BankName(string routing) =>
        routing == TestRoutingNumber ? "Sandbox Test Bank" : "Sandbox Bank";
}
