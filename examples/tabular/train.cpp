// tabular's run (main.cpp reads the flags): read the CSV, split, standardize, pad to the network's
// input, train the task's MLP (a type per task) with Adam and report the test figures.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/data/table.hpp>
#include <nlohmann/json.hpp>

#include "../common/run_dir.hpp"
#include "options.hpp"

using namespace ctnn;

namespace {

constexpr std::size_t input_width = 64;  // features are zero-padded up to this
constexpr std::size_t most_classes = 10;
template <std::size_t Outputs>
using Mlp = Sequential<Input<input_width>, Dense<64>, ReLU, Dense<64>, ReLU, Dense<Outputs>>;

bool is_index(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool report_epoch(int epoch, int epochs) {
    return epoch == 1 || epoch == epochs || epoch % std::max(1, epochs / 10) == 0;
}

nlohmann::json classify(const tabular::Options& o, const data::TableSplit& split) {
    const auto dataset = [&](const data::Table& table) {
        try {
            return data::to_dataset(table);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(o.csv + ": " + e.what() + " (--task classify)");
        }
    };
    const data::Dataset train = dataset(split.train), test = dataset(split.test);
    for (const data::Dataset* set : {&train, &test})
        for (std::size_t i = 0; i < set->size(); ++i)
            if (set->labels(i) >= static_cast<std::int32_t>(most_classes))
                throw std::invalid_argument(o.csv + ": class " + std::to_string(set->labels(i)) +
                                            " in the target column; --task classify takes classes 0.." +
                                            std::to_string(most_classes - 1));
    std::printf("%s", summary<Mlp<most_classes>>().c_str());
    Classifier<Mlp<most_classes>, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = o.lr}, o.seed);
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        const auto stats = clf.fit_epoch(train, o.batch);
        if (report_epoch(epoch, o.epochs))
            std::printf("epoch %4d  train loss %.4f  accuracy %.4f\n", epoch, stats.loss, stats.accuracy);
    }
    const auto report = clf.evaluate(test);
    std::printf("test accuracy %.4f on %zu rows (loss %.4f)\n", report.accuracy, report.count, report.loss);
    return {{"test_accuracy", report.accuracy}, {"test_loss", report.loss}, {"test_rows", report.count}};
}

template <class Loss>
nlohmann::json regress(const tabular::Options& o, data::TableSplit split) {
    constexpr bool binary = std::is_same_v<Loss, BCEWithLogits>;
    double mean = 0, scale = 1;  // the regression target standardized with the training rows
    if constexpr (!binary) {
        for (const float t : split.train.targets) mean += t;
        mean /= static_cast<double>(split.train.rows);
        double var = 0;
        for (const float t : split.train.targets) var += (t - mean) * (t - mean);
        scale = std::sqrt(var / static_cast<double>(split.train.rows));
        if (!(scale > 0)) scale = 1;
        for (data::Table* part : {&split.train, &split.test})
            for (float& t : part->targets) t = static_cast<float>((t - mean) / scale);
    } else {
        for (const data::Table* part : {&split.train, &split.test})
            for (const float t : part->targets)
                if (t != 0.0f && t != 1.0f)
                    throw std::invalid_argument(o.csv + ": target " + std::to_string(t) +
                                                "; --task binary takes targets 0 and 1");
    }
    std::printf("%s", summary<Mlp<1>>().c_str());
    Regressor<Mlp<1>, Loss, Adam> reg(Adam{.lr = o.lr}, o.seed);
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        const double loss = reg.fit_epoch(split.train, o.batch);
        if (report_epoch(epoch, o.epochs)) std::printf("epoch %4d  train loss %.4f\n", epoch, loss);
    }
    const auto report = reg.evaluate(split.test);
    if constexpr (binary) {
        std::printf("test accuracy %.4f on %zu rows (loss %.4f)\n", report.accuracy, report.samples,
                    report.loss);
        return {
            {"test_accuracy", report.accuracy}, {"test_loss", report.loss}, {"test_rows", report.samples}};
    } else {
        std::printf("test RMSE %.4f  MAE %.4f (target units)  R^2 %.4f on %zu rows\n", report.rmse * scale,
                    report.mae * scale, report.r2, report.samples);
        return {{"test_rmse", report.rmse * scale},
                {"test_mae", report.mae * scale},
                {"test_r2", report.r2},
                {"test_rows", report.samples}};
    }
}

}  // namespace

int tabular::train(const Options& o) {
    try {
        data::CsvTableOptions csv{.skip_rows = o.skip_rows};
        if (is_index(o.target))
            csv.target_columns = {std::stoul(o.target)};
        else if (!o.target.empty())
            csv.target_names = {o.target};
        const data::Table table = data::read_csv_table(o.csv, csv);
        std::printf("%s: %zu rows, %zu features, target '%s'\n", o.csv.c_str(), table.rows,
                    table.feature_count, table.target_names.at(0).c_str());
        if (table.target_count != 1)
            throw std::invalid_argument(o.csv + ": " + std::to_string(table.target_count) +
                                        " target columns; tabular trains on one");
        data::TableSplit split = data::split_rows(table, o.test_fraction, o.seed);
        const data::Standardizer standardizer(split.train);
        for (data::Table* part : {&split.train, &split.test}) {
            standardizer.apply(*part);
            data::pad_features(*part, input_width);
        }
        nlohmann::json result = o.task == "classify" ? classify(o, split)
                                : o.task == "binary" ? regress<BCEWithLogits>(o, split)
                                                     : regress<MSE>(o, split);
        result["csv"] = o.csv, result["task"] = o.task, result["rows"] = table.rows;
        result["features"] = table.feature_count, result["epochs"] = o.epochs, result["seed"] = o.seed;
        if (!o.out.empty()) examples::RunDir(o.out).write_json("summary.json", result);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
