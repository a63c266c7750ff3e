namespace CustomerPortal.Domain.Tests;

public sealed class MoneyParsingTests
{
    [Theory]
    [InlineData("12", 1200)]
    [InlineData("12.5", 1250)]
    [InlineData("12.50", 1250)]
    [InlineData("0.01", 1)]
    [InlineData(".5", 50)]
    [InlineData("$1,234.56", 123456)]
    [InlineData("  $ 7.05  ", 705)]
    [InlineData("12,345,678.90", 1234567890)]
    [InlineData("-1", -100)]
    [InlineData("-$3.00", -300)]
    public void ReadsWhatAPersonTypes(string text, long expectedCents)
    {
        Assert.True(Money.TryParse(text, out var money, out var error), error);
        Assert.Equal(expectedCents, money.Cents);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("12.345", "Enter the amount with at most two decimals (cents).")]
    [InlineData("0.001", "Enter the amount with at most two decimals (cents).")]
    [InlineData("abc", "Enter the amount as a number, like 125.50.")]
    [InlineData("1.2.3", "Enter the amount as a number, like 125.50.")]
    [InlineData("1e5", "Enter the amount as a number, like 125.50.")]
    [InlineData("١٢", "Enter the amount as a number, like 125.50.")]
    [InlineData(".", "Enter the amount as a number, like 125.50.")]
    [InlineData("", "Enter an amount.")]
    [InlineData("   ", "Enter an amount.")]
    [InlineData(null, "Enter an amount.")]
    [InlineData("$", "Enter an amount.")]
    [InlineData("99999999999999999999", "That amount is too large.")]
    [InlineData("92233720368547758", "That amount is too large.")]
    public void RefusesWithAMessageFitToShow(string? text, string expectedError)
    {
        Assert.False(Money.TryParse(text, out var money, out var error));
        Assert.Equal(expectedError, error);
        Assert.Equal(Money.Zero, money);
    }

    [Theory]
    [InlineData("12,50")]
    [InlineData("1,23")]
    [InlineData(",123")]
    [InlineData("1,,234")]
    [InlineData("1234,567")]
    [InlineData("1.234,56")]
    public void RefusesACommaThatIsNotAThousandsSeparatorInsteadOfMultiplyingTheAmount(string text)
    {
        Assert.False(Money.TryParse(text, out var money, out var error));
        Assert.Equal("Enter the amount as a number, like 125.50.", error);
        Assert.Equal(Money.Zero, money);
    }

    [Fact]
    public void AcceptsTheLargestAmountThatFitsInSixtyFourBits()
    {
        Assert.True(Money.TryParse("92233720368547757.99", out var money, out _));
        Assert.Equal(9_223_372_036_854_775_799, money.Cents);
    }
}

public sealed class MoneyFormattingTests
{
    [Theory]
    [InlineData(123456, "$1,234.56")]
    [InlineData(5, "$0.05")]
    [InlineData(0, "$0.00")]
    [InlineData(-300, "-$3.00")]
    [InlineData(100_000_000_00, "$100,000,000.00")]
    public void FormatsDollarsAndCentsAsACustomerReadsThem(long cents, string expected) =>
        Assert.Equal(expected, Money.FromCents(cents).Format());

    [Theory]
    [InlineData(123456, "1234.56")]
    [InlineData(5, "0.05")]
    [InlineData(-300, "-3.00")]
    public void WritesPlainTextForFormFieldsThatParsesBackToTheSameAmount(long cents, string expected)
    {
        var text = Money.FromCents(cents).ToPlainString();
        Assert.Equal(expected, text);
        Assert.True(Money.TryParse(text, out var back, out _));
        Assert.Equal(cents, back.Cents);
    }

    [Fact]
    public void AdditionThatOverflowsThrowsInsteadOfWrappingAround() =>
        Assert.Throws<OverflowException>(() => Money.FromCents(long.MaxValue) + Money.FromCents(1));
}
