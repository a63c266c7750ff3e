namespace CustomerPortal.Domain.Companies;

public enum Plan
{
    Standard = 0,
    Pro = 1,
}

/// <summary>The service business that bills its customers through the portal.</summary>
public sealed class Company
{
    private Company() { }

    public Company(string name, Address address, string timeZoneId, string currency, Plan plan)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new DomainException("A company needs a name.");
        _ = ResolveTimeZone(timeZoneId);
        Name = name.Trim();
        Address = address;
        TimeZoneId = timeZoneId;
        Currency = string.IsNullOrWhiteSpace(currency) ? "USD" : currency.ToUpperInvariant();
        Plan = plan;
    }

    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public Address Address { get; private set; } = Address.Empty;
    public string TimeZoneId { get; private set; } = "America/Denver";
    public string Currency { get; private set; } = "USD";
    public Plan Plan { get; private set; }

    public void ChangePlan(Plan plan) => Plan = plan;

    /// <summary>Today's date where the company works; overdue is judged by it.</summary>
    public DateOnly Today(TimeProvider clock) => TodayIn(TimeZoneId, clock);

    public static DateOnly TodayIn(string timeZoneId, TimeProvider clock)
    {
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), ResolveTimeZone(timeZoneId));
        return DateOnly.FromDateTime(local.DateTime);
    }

    private static TimeZoneInfo ResolveTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new DomainException($"Unknown time zone '{id}'.");
        }
    }
}

/// <summary>A postal address (value object, stored inline with its owner).</summary>
public sealed record Address(
    string Line1, string? Line2, string City, string Region, string PostalCode, string Country = "US")
{
    public static Address Empty { get; } = new("", null, "", "", "");

    public IEnumerable<string> Lines()
    {
        if (!string.IsNullOrWhiteSpace(Line1)) yield return Line1;
        if (!string.IsNullOrWhiteSpace(Line2)) yield return Line2;
        var cityLine = $"{City}, {Region} {PostalCode}".Trim().Trim(',').Trim();
        if (cityLine.Length > 0) yield return cityLine;
    }
}
