"""
Category 1 (Basic model) - House prices
Question id: c1_house_prices. Weight in the total: 1.

In a simple town a house costs 50 thousand plus 50 thousand per bedroom. The starter gives the
prices of houses with 1 to 6 bedrooms, in hundreds of thousands (a 1-bedroom house costs 1.0). Build
and train a model that predicts the price of houses it has never seen, also with no bedroom or with
many more. The model takes one number (bedrooms) and returns one number (the price in hundreds of
thousands).

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (1,) (the batch dimension is not counted),
  - output shape (1,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: mae (lower is better); scores 1/5: 0.5, 2/5: 0.15, 3/5: 0.1, 4/5: 0.05, 5/5: 0.02.

(Generated from hidden_tests/c1_house_prices.toml; your code goes below this docstring.)
"""

import numpy as np
import tensorflow as tf

# The training data: houses with 1 to 6 bedrooms and their prices in hundreds of thousands
# (50 thousand for the house plus 50 thousand per bedroom, so a 1-bedroom house costs 1.0).
bedrooms = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], dtype=np.float32)
prices = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 3.5], dtype=np.float32)


def solution_model():
    # BEGIN SOLUTION
    # One neuron: price = w * bedrooms + b. The six houses repeated 50 times make 50 SGD steps per epoch, so a few
    # short epochs converge (Keras pays a fixed cost per epoch).
    tf.keras.utils.set_random_seed(1)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # # YOUR CODE HERE: build, compile and train a model that predicts prices from bedrooms.
    # # The stub below runs, but it trains for a single epoch, so its prices are far off.
    # # Keep the Input layer: the grader gives the model one number of bedrooms at a time (no scaling), and reads
    # # its output as a price in hundreds of thousands, like the prices above.
    # END STARTER
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(units=1),
    ])
    # BEGIN SOLUTION
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.02), loss="mean_squared_error")
    model.fit(np.tile(bedrooms, 50), np.tile(prices, 50), epochs=30, batch_size=len(bedrooms), verbose=0)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # model.compile(optimizer="sgd", loss="mean_squared_error")
    # model.fit(bedrooms, prices, epochs=1, verbose=0)
    # END STARTER
    return model


# Run this file to train and save the model; then use "Submit and Test".
# Keep the file name mymodel.h5: that is the file the grader reads.
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
