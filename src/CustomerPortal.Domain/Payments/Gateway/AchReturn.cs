namespace CustomerPortal.Domain.Payments.Gateway;

/// <summary>
/// An ACH debit the customer's bank sent back, by its NACHA return code, in words a customer reads. The one place that
/// knows the return codes: the payment page, history, the receipt PDF and the saved-method list all read it from here.
/// </summary>
public sealed record AchReturn
{
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["R01"] = "insufficient funds",
        ["R02"] = "account closed",
        ["R03"] = "no account or unable to locate the account",
        ["R04"] = "invalid account number",
        ["R08"] = "payment stopped",
        ["R10"] = "not authorized",
        ["R16"] = "account frozen",
        ["R29"] = "corporate customer did not authorize",
    };

    // Stripe reports a return by its own decline code when the raw network code is not given (docs.stripe.com,
    // "Network decline codes", ACH Direct Debit). It folds R03/R04 into one code and several "not authorized"
    // returns (R05, R07, R10, R11, R29, R31) into another: those are read as the first of their group.
    private static readonly Dictionary<string, string> ProcessorNames = new(StringComparer.Ordinal)
    {
        ["insufficient_funds"] = "R01",
        ["account_closed"] = "R02",
        ["bank_account_closed"] = "R02",
        ["no_account"] = "R03",
        ["bank_account_invalid_details"] = "R03",
        ["invalid_account_number"] = "R04",
        ["debit_not_authorized"] = "R10",
        ["account_frozen"] = "R16",
    };

    private AchReturn(string code) => Code = code;

    /// <summary>The NACHA return code, "R01" … "R99".</summary>
    public string Code { get; }

    /// <summary>Plain words for the codes a customer meets; null for the rare others.</summary>
    public string? Reason => Reasons.GetValueOrDefault(Code);

    /// <summary>"R01: insufficient funds", or "R17" for a code without words here.</summary>
    public string CodeAndReason => Reason is { } reason ? $"{Code}: {reason}" : Code;

    /// <summary>"Returned by your bank (R01: insufficient funds)", or "Returned by your bank (R17)".</summary>
    public string Message => $"Returned by your bank ({CodeAndReason})";

    /// <summary>
    /// The account cannot be debited again as it is (closed, not found, invalid number): it is not offered for payment
    /// until the customer adds it again.
    /// </summary>
    public bool ClosesAccount => Code is "R02" or "R03" or "R04";

    /// <summary>How a saved bank account returned for this reason is listed.</summary>
    public string MethodNotice => $"Returned ({Reason ?? Code}) — add it again to use it";

    /// <summary>What a return says when the processor gave no code the portal knows.</summary>
    public const string UnknownMessage = "Returned by your bank";

    /// <summary>Whether <paramref name="code"/> is a NACHA return code as written on the network ("R01").</summary>
    public static bool IsNetworkCode(string? code) =>
        code is { Length: 3 } && (code[0] is 'R' or 'r') && char.IsAsciiDigit(code[1]) && char.IsAsciiDigit(code[2]);

    /// <summary>
    /// The return a processor's failure code stands for: a network code ("R01", any case) or a processor's name for one
    /// ("insufficient_funds"); null when the code says nothing about a bank return. Read the names only for a bank
    /// debit: "insufficient_funds" on a card is a card decline.
    /// </summary>
    public static AchReturn? Of(string? code)
    {
        if (IsNetworkCode(code)) return new AchReturn(code!.ToUpperInvariant());
        return code is not null && ProcessorNames.TryGetValue(code, out var mapped) ? new AchReturn(mapped) : null;
    }
}
