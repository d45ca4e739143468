namespace LuckyGas.Api.Features.Predictions;

/// <summary>One past delivery to a customer, as input to <see cref="RefillPredictor"/>.</summary>
/// <param name="DeliveredAt">Time of the delivery.</param>
/// <param name="Kilograms">Total gas of all cylinders delivered, in kilograms. Must be positive.</param>
public sealed record PastDelivery(DateTimeOffset DeliveredAt, double Kilograms);

/// <summary>
/// Output of <see cref="RefillPredictor.Predict"/>: a <see cref="RefillPrediction"/>, or an
/// <see cref="InsufficientRefillHistory"/> when the history is too short to predict from.
/// </summary>
public abstract record RefillPredictionResult;

/// <summary>Predicted next order of one customer.</summary>
/// <param name="NextOrderDate">Predicted date of the next order, as a calendar day in Asia/Taipei.</param>
/// <param name="Confidence">
/// Estimated probability, from 0 to 1, that the next order comes within <see cref="RefillPredictor.Tolerance"/> of
/// the predicted interval. <see cref="RefillPredictor"/> describes the model behind it.
/// </param>
/// <param name="LastOrderDate">Date of the last order in the history, in Asia/Taipei.</param>
/// <param name="PredictedIntervalDays">Predicted days from the last order to the next, before rounding.</param>
/// <param name="KilogramsPerDay">Estimated gas consumption in kilograms per day.</param>
/// <param name="OrderDays">Number of distinct Taipei days with a delivery that the prediction used.</param>
public sealed record RefillPrediction(
    DateOnly NextOrderDate,
    double Confidence,
    DateOnly LastOrderDate,
    double PredictedIntervalDays,
    double KilogramsPerDay,
    int OrderDays) : RefillPredictionResult;

/// <summary>Result when a history has too few deliveries to predict from. No date is guessed.</summary>
/// <param name="OrderDays">Number of distinct Taipei days with a delivery in the history.</param>
/// <param name="RequiredOrderDays">Number of distinct delivery days that a prediction needs.</param>
public sealed record InsufficientRefillHistory(int OrderDays, int RequiredOrderDays) : RefillPredictionResult
{
    /// <summary>
    /// Explanation for people, such as "refill prediction needs deliveries on 3 different days, but has 2".
    /// </summary>
    public string Message =>
        $"refill prediction needs deliveries on {RequiredOrderDays} different days, but has {OrderDays}";
}

/// <summary>
/// Accuracy of <see cref="RefillPredictor"/> replayed over past histories, from <see cref="RefillPredictor.Backtest"/>.
/// </summary>
/// <param name="PredictionCount">Number of predictions compared with an actual order.</param>
/// <param name="PredictorMeanAbsoluteErrorDays">
/// Mean absolute difference in days between predicted and actual order dates, or null when
/// <paramref name="PredictionCount"/> is 0.
/// </param>
/// <param name="BaselineMeanAbsoluteErrorDays">
/// The same for the naive baseline, which repeats the last interval: last order date plus the days between the last
/// two orders. Null when <paramref name="PredictionCount"/> is 0.
/// </param>
/// <param name="MeanConfidence">Mean of the predictions' confidence, or null when there were none.</param>
/// <param name="ShareWithinTolerance">
/// Share of predictions whose actual interval came within <see cref="RefillPredictor.Tolerance"/> of the predicted
/// one, or null when there were none. Compare it with <paramref name="MeanConfidence"/> to check the confidence.
/// </param>
public sealed record RefillPredictionBacktest(
    int PredictionCount,
    double? PredictorMeanAbsoluteErrorDays,
    double? BaselineMeanAbsoluteErrorDays,
    double? MeanConfidence,
    double? ShareWithinTolerance);
