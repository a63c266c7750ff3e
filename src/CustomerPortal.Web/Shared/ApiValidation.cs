using System.Net.Mail;
using CustomerPortal.Domain.Companies;

namespace CustomerPortal.Web.Shared;

/// <summary>A postal address on the wire.</summary>
public sealed record AddressDto(
    string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country)
{
    public static AddressDto From(Address a) => new(a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
}

/// <summary>Field checks shared by the API's resources, so one rule gives one message everywhere.</summary>
public static class ApiValidation
{
    public const int MaxExternalIdLength = 100;

    /// <summary>The back office's own id of a record: 1–100 of A–Z a–z 0–9 . _ - : (safe in a URL path).</summary>
    public static string? ExternalId(ApiErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) { errors.Add(field, "An id is required."); return null; }
        if (value.Length > MaxExternalIdLength
            || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':'))
        {
            errors.Add(field, "An id is 1 to 100 characters of letters, digits, '.', '_', '-' or ':'.");
            return null;
        }
        return value;
    }

    /// <summary>For an id in the URL: a malformed one cannot name anything, so it is simply not found.</summary>
    public static string RouteId(string value, string what)
    {
        var errors = new ApiErrors();
        return ExternalId(errors, "id", value) ?? throw ApiProblem.NotFound($"No {what} with id '{Shorten(value)}'.");
    }

    public static string? Text(ApiErrors errors, string field, string? value, int max, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, "This field is required.");
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length > max) { errors.Add(field, $"At most {max} characters."); return null; }
        if (trimmed.Any(char.IsControl)) { errors.Add(field, "Control characters are not allowed."); return null; }
        return trimmed;
    }

    public static string? Email(ApiErrors errors, string field, string? value, bool required)
    {
        var text = Text(errors, field, value, 256, required);
        if (text is null) return null;
        if (!MailAddress.TryCreate(text, out var parsed)
            || parsed.Address != text
            || !text.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(field, "Enter an email address like name@example.com.");
            return null;
        }
        return text;
    }

    public static Address? Address(ApiErrors errors, string field, AddressDto? dto)
    {
        if (dto is null) { errors.Add(field, "An address is required."); return null; }
        var line1 = Text(errors, field + ".line1", dto.Line1, 200);
        var line2 = Text(errors, field + ".line2", dto.Line2, 200, required: false);
        var city = Text(errors, field + ".city", dto.City, 100);
        var region = Text(errors, field + ".region", dto.Region, 100);
        var postal = Text(errors, field + ".postalCode", dto.PostalCode, 20);
        var country = "US";
        if (!string.IsNullOrWhiteSpace(dto.Country))
        {
            country = dto.Country.Trim().ToUpperInvariant();
            if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
            {
                errors.Add(field + ".country", "Use the two-letter country code (ISO 3166-1), like \"US\".");
                return null;
            }
        }
        return line1 is null || city is null || region is null || postal is null
            ? null
            : new Address(line1, line2, city, region, postal, country);
    }

    /// <summary>A required amount of whole cents, zero or more.</summary>
    public static long? Cents(ApiErrors errors, string field, long? value, bool required = true)
    {
        if (value is null)
        {
            if (required) errors.Add(field, "This amount is required, in whole cents.");
            return null;
        }
        if (value < 0) { errors.Add(field, "An amount cannot be negative."); return null; }
        return value;
    }

    public static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
