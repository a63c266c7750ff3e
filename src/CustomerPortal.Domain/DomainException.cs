namespace CustomerPortal.Domain;

/// <summary>A rule of the business was broken; the message is plain words fit to show a user.</summary>
public sealed class DomainException(string message) : Exception(message);
