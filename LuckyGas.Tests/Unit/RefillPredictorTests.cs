using LuckyGas.Api.Features.Predictions;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Unit;

public sealed class RefillPredictorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan TaipeiOffset = TimeSpan.FromHours(8);

    private static readonly DateTimeOffset FirstDelivery = new(2025, 1, 6, 10, 0, 0, TaipeiOffset);

    private const int SyntheticDeliveriesPerCustomer = 12;

    [Fact]
    public void Predict_RegularHistory_PredictsSameInterval()
    {
        var history = Regular(deliveries: 6, intervalDays: 30, kilograms: 20);

        var prediction = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(history));

        Assert.Equal(DateOnly.FromDateTime(FirstDelivery.DateTime).AddDays(150), prediction.LastOrderDate);
        Assert.Equal(prediction.LastOrderDate.AddDays(30), prediction.NextOrderDate);
        Assert.Equal(30, prediction.PredictedIntervalDays, precision: 9);
        Assert.Equal(20.0 / 30, prediction.KilogramsPerDay, precision: 9);
        Assert.Equal(6, prediction.OrderDays);
    }

    [Fact]
    public void Predict_RegularHistory_HasHighConfidence()
    {
        var history = Regular(deliveries: 6, intervalDays: 30, kilograms: 20);

        var prediction = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(history));

        Assert.InRange(prediction.Confidence, 0.75, 1);
    }

    [Fact]
    public void Predict_LongerRegularHistory_RaisesConfidence()
    {
        var shortHistory = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(Regular(3, 30, 20)));
        var longHistory = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(Regular(12, 30, 20)));

        Assert.True(
            longHistory.Confidence > shortHistory.Confidence,
            $"12 deliveries gave {longHistory.Confidence:F3}, 3 deliveries gave {shortHistory.Confidence:F3}");
        Assert.InRange(longHistory.Confidence, 0.9, 1);
    }

    [Fact]
    public void Predict_IrregularHistory_HasLowerConfidence()
    {
        var regular = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(Regular(6, 30, 20)));
        var irregular = Assert.IsType<RefillPrediction>(
            RefillPredictor.Predict(WithIntervals([10, 45, 20, 60, 30], kilograms: 20)));

        Assert.True(
            irregular.Confidence < regular.Confidence,
            $"irregular {irregular.Confidence:F3}, regular {regular.Confidence:F3}");
        Assert.InRange(irregular.Confidence, 0, 0.5);
    }

    [Fact]
    public void Predict_ShorterRecentIntervals_WeighRecentMore()
    {
        // Equal weights would give 20 kg / (140 kg / 330 days) = 47.1 days.
        var history = WithIntervals([60, 60, 60, 60, 30, 30, 30], kilograms: 20);

        var prediction = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(history));

        Assert.InRange(prediction.PredictedIntervalDays, 30, 45);
    }

    [Fact]
    public void Predict_TwoDeliveries_ReturnsInsufficientHistory()
    {
        var result = RefillPredictor.Predict(Regular(deliveries: 2, intervalDays: 30, kilograms: 20));

        var insufficient = Assert.IsType<InsufficientRefillHistory>(result);
        Assert.Equal(2, insufficient.OrderDays);
        Assert.Equal(3, insufficient.RequiredOrderDays);
        Assert.Equal("refill prediction needs deliveries on 3 different days, but has 2", insufficient.Message);
    }

    [Fact]
    public void Predict_EmptyHistory_ReturnsInsufficientHistory()
    {
        var insufficient = Assert.IsType<InsufficientRefillHistory>(RefillPredictor.Predict([]));

        Assert.Equal(0, insufficient.OrderDays);
    }

    [Fact]
    public void Predict_SameDayDeliveries_CountAsOneOrder()
    {
        PastDelivery[] history =
        [
            new(FirstDelivery, 20),
            new(FirstDelivery.AddHours(3), 20),
            new(FirstDelivery.AddDays(30), 20),
        ];

        var insufficient = Assert.IsType<InsufficientRefillHistory>(RefillPredictor.Predict(history));

        Assert.Equal(2, insufficient.OrderDays);
    }

    [Fact]
    public void Predict_SameDayDeliveries_AddTheirKilograms()
    {
        // Two 20 kg cylinders on the last day last twice as long as one.
        var history = Regular(deliveries: 4, intervalDays: 30, kilograms: 20).ToList();
        history.Add(new PastDelivery(history[^1].DeliveredAt.AddHours(2), 20));

        var prediction = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(history));

        Assert.Equal(prediction.LastOrderDate.AddDays(60), prediction.NextOrderDate);
    }

    [Fact]
    public void Predict_LargerLastDelivery_MovesDateProportionally()
    {
        var history = Regular(deliveries: 5, intervalDays: 30, kilograms: 20).ToList();
        history.Add(new PastDelivery(history[^1].DeliveredAt.AddDays(30), 50));

        var prediction = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(history));

        Assert.Equal(prediction.LastOrderDate.AddDays(75), prediction.NextOrderDate);
    }

    [Fact]
    public void Predict_UnsortedHistory_MatchesSorted()
    {
        var sorted = WithIntervals([28, 35, 31, 26, 33], kilograms: 20);
        PastDelivery[] shuffled = [sorted[3], sorted[0], sorted[5], sorted[1], sorted[4], sorted[2]];

        Assert.Equal(RefillPredictor.Predict(sorted), RefillPredictor.Predict(shuffled));
    }

    [Fact]
    public void Predict_DeliveryAfterTaipeiMidnight_UsesTaipeiDate()
    {
        // 17:30 UTC is 01:30 the next day in Taipei.
        var lastDelivery = new DateTimeOffset(2025, 3, 1, 17, 30, 0, TimeSpan.Zero);
        PastDelivery[] history =
        [
            new(lastDelivery.AddDays(-60), 20),
            new(lastDelivery.AddDays(-30), 20),
            new(lastDelivery, 20),
        ];

        var prediction = Assert.IsType<RefillPrediction>(RefillPredictor.Predict(history));

        Assert.Equal(new DateOnly(2025, 3, 2), prediction.LastOrderDate);
        Assert.Equal(new DateOnly(2025, 4, 1), prediction.NextOrderDate);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-20)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Predict_InvalidKilograms_Throws(double kilograms)
    {
        var history = Regular(deliveries: 3, intervalDays: 30, kilograms: 20).ToList();
        history.Add(new PastDelivery(history[^1].DeliveredAt.AddDays(30), kilograms));

        var exception = Assert.Throws<ArgumentException>(() => RefillPredictor.Predict(history));

        Assert.Contains("positive, finite quantity", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToTaipeiDate_UtcEvening_ReturnsNextDay()
    {
        var instant = new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 1, 1), RefillPredictor.ToTaipeiDate(instant));
    }

    [Fact]
    public void Backtest_RegularHistory_HasNoError()
    {
        var backtest = RefillPredictor.Backtest([Regular(deliveries: 8, intervalDays: 30, kilograms: 20)]);

        Assert.Equal(5, backtest.PredictionCount);
        Assert.Equal(0, backtest.PredictorMeanAbsoluteErrorDays);
        Assert.Equal(0, backtest.BaselineMeanAbsoluteErrorDays);
        Assert.Equal(1, backtest.ShareWithinTolerance);
    }

    [Fact]
    public void Backtest_ShortHistories_HasNoPredictions()
    {
        var backtest = RefillPredictor.Backtest([Regular(3, 30, 20), []]);

        Assert.Equal(0, backtest.PredictionCount);
        Assert.Null(backtest.PredictorMeanAbsoluteErrorDays);
        Assert.Null(backtest.BaselineMeanAbsoluteErrorDays);
        Assert.Null(backtest.MeanConfidence);
        Assert.Null(backtest.ShareWithinTolerance);
    }

    [Theory]
    [InlineData(1.0 / 6)]
    [InlineData(0)]
    public void Backtest_NoisySyntheticHistories_BeatsNaiveBaseline(double otherQuantityShare)
    {
        var histories = SyntheticHistories(new Random(20251204), customers: 300, otherQuantityShare);

        var backtest = RefillPredictor.Backtest(histories);

        output.WriteLine($"share of orders with another quantity: {otherQuantityShare:F3}");
        output.WriteLine($"predictions: {backtest.PredictionCount}");
        output.WriteLine($"predictor MAE: {backtest.PredictorMeanAbsoluteErrorDays:F2} days");
        output.WriteLine($"baseline MAE:  {backtest.BaselineMeanAbsoluteErrorDays:F2} days");
        output.WriteLine($"mean confidence: {backtest.MeanConfidence:F3}");
        output.WriteLine($"share within {RefillPredictor.Tolerance:P0}: {backtest.ShareWithinTolerance:F3}");
        Assert.Equal(300 * (SyntheticDeliveriesPerCustomer - 3), backtest.PredictionCount);
        Assert.True(
            backtest.PredictorMeanAbsoluteErrorDays < backtest.BaselineMeanAbsoluteErrorDays,
            $"predictor MAE {backtest.PredictorMeanAbsoluteErrorDays:F2} days, "
                + $"baseline MAE {backtest.BaselineMeanAbsoluteErrorDays:F2} days");
    }

    private static PastDelivery[] Regular(int deliveries, int intervalDays, double kilograms) =>
        Enumerable.Range(0, deliveries)
            .Select(index => new PastDelivery(FirstDelivery.AddDays(index * intervalDays), kilograms))
            .ToArray();

    private static PastDelivery[] WithIntervals(int[] intervalDays, double kilograms)
    {
        var deliveries = new List<PastDelivery> { new(FirstDelivery, kilograms) };
        foreach (var days in intervalDays)
        {
            deliveries.Add(new PastDelivery(deliveries[^1].DeliveredAt.AddDays(days), kilograms));
        }

        return [.. deliveries];
    }

    /// <summary>
    /// Generates customers who each use gas at their own steady rate. A customer's usual quantity is 16, 20, 40, 50 or
    /// 100 kg, and the rate makes that quantity last 14 to 60 days. Each order lasts its kilograms divided by the rate,
    /// times a factor drawn uniformly from 0.8 to 1.2 (±20%), rounded to whole days. A share of the orders, given by
    /// <paramref name="otherQuantityShare"/>, has a quantity drawn from the five instead of the usual one. Deliveries
    /// come at a random hour from 08:00 to 19:00 Taipei time.
    /// </summary>
    private static List<PastDelivery[]> SyntheticHistories(Random random, int customers, double otherQuantityShare)
    {
        double[] quantities = [16, 20, 40, 50, 100];
        var histories = new List<PastDelivery[]>();
        for (var customer = 0; customer < customers; customer++)
        {
            var usualKilograms = quantities[random.Next(quantities.Length)];
            var kilogramsPerDay = usualKilograms / (14 + 46 * random.NextDouble());
            var day = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TaipeiOffset).AddDays(random.Next(90));
            var deliveries = new PastDelivery[SyntheticDeliveriesPerCustomer];
            for (var index = 0; index < deliveries.Length; index++)
            {
                var kilograms = random.NextDouble() < otherQuantityShare
                    ? quantities[random.Next(quantities.Length)]
                    : usualKilograms;
                deliveries[index] = new PastDelivery(day.AddHours(8 + random.Next(12)), kilograms);

                var jitter = 0.8 + 0.4 * random.NextDouble();
                var days = Math.Max(1, (int)Math.Round(kilograms / kilogramsPerDay * jitter));
                day = day.AddDays(days);
            }

            histories.Add(deliveries);
        }

        return histories;
    }
}
