using CustomerPortal.Domain.Payments;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>
/// A saved method as the checkout and the methods pages offer it. <see cref="ReturnNotice"/>: a bank account the bank
/// returned as closed or invalid, listed but not offered until the customer adds it again.
/// </summary>
public sealed record MethodOption(
    long Id, PaymentMethodKind Kind, string Summary, string Detail, bool IsExpired, bool IsDefault,
    string? ReturnNotice = null)
{
    public bool IsUsable => !IsExpired && ReturnNotice is null;
}

/// <summary>
/// A method this contact just entered in the processor's form, offered with "Save for future payments". The page and
/// the form carry only <see cref="Value"/>, the id of the portal's record; the token stays on the server.
/// </summary>
public sealed record NewMethodOption(long EnteredId, PaymentMethodKind Kind, string Summary, string Detail)
{
    public const string Prefix = "entered-";

    public string Value => Prefix + EnteredId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
